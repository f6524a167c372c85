// Custom actions WriteMachineConfig and PurgeMachineConfig of the Backlight
// Agent MSI. Windows Installer runs them deferred, as LocalSystem, with the
// JScript engine it hosts itself; each reads its CustomActionData, set by an
// immediate action just before (see installer/windows/wxs.py).
//
// Written for JScript 5 (ECMAScript 3): no let/const, no JSON, no trim.
// tests/installer/test_msi_config_script.py runs it under Node with a stand-in
// for the Windows Installer session and the FileSystemObject.
//
// A failure throws: Windows Installer logs error 1720 with this message and
// the line, rolls the installation back and msiexec exits with 1603.

var SUCCESS = 1;
var KEYS = ["collector_url", "enrollment_token", "ca_bundle", "user_name"];

function hex(code, width) {
    var text = code.toString(16).toUpperCase();
    while (text.length < width) {
        text = "0" + text;
    }
    return text;
}

// A TOML basic string in pure ASCII: quotes and backslashes escaped, every
// other character outside printable ASCII as \uXXXX or \UXXXXXXXX, so the
// file needs no encoding, code page or byte-order mark to be read right.
function tomlString(value) {
    var out = "\"";
    for (var i = 0; i < value.length; i++) {
        var c = value.charCodeAt(i);
        if (c == 0x22) {
            out += "\\\"";
        } else if (c == 0x5C) {
            out += "\\\\";
        } else if (c >= 0x20 && c < 0x7F) {
            out += value.charAt(i);
        } else if (c >= 0xD800 && c <= 0xDBFF) {
            var low = i + 1 < value.length ? value.charCodeAt(i + 1) : 0;
            if (low < 0xDC00 || low > 0xDFFF) {
                throw new Error("Backlight: a value holds a broken UTF-16 surrogate pair");
            }
            out += "\\U" + hex((c - 0xD800) * 0x400 + (low - 0xDC00) + 0x10000, 8);
            i++;
        } else if (c >= 0xDC00 && c <= 0xDFFF) {
            throw new Error("Backlight: a value holds a broken UTF-16 surrogate pair");
        } else {
            out += "\\u" + hex(c, 4);
        }
    }
    return out + "\"";
}

// fields: collector_url, enrollment_token, ca_bundle, user_name; the last two may be "".
function machineConfigText(fields) {
    var lines = [
        "# Backlight Agent machine configuration, written by its MSI.",
        "# To change it, run msiexec again with COLLECTOR_URL=... ENROLLMENT_TOKEN=...",
        "# (or edit it as an administrator). Every user's agent reads it at first start."
    ];
    for (var i = 0; i < KEYS.length; i++) {
        if (i < 2 || fields[i] != "") {
            lines.push(KEYS[i] + " = " + tomlString(fields[i]));
        }
    }
    return lines.join("\r\n") + "\r\n";
}

function dataFields() {
    return String(Session.Property("CustomActionData")).split("\t");
}

function WriteMachineConfig() {
    var fields = dataFields();
    if (fields.length != 1 + KEYS.length) {
        throw new Error("Backlight: expected " + (1 + KEYS.length) + " fields of custom action data, got "
            + fields.length + "; a property value must not contain a tab");
    }
    var folder = fields.shift();
    if (fields[0] == "" || fields[1] == "") {
        throw new Error("Backlight: COLLECTOR_URL and ENROLLMENT_TOKEN are both required");
    }
    var text = machineConfigText(fields);
    var fso = new ActiveXObject("Scripting.FileSystemObject");
    var path = fso.BuildPath(folder, "agent.toml");
    var temporary = path + ".new";
    // Written beside, then moved over: a failure midway leaves the old file whole.
    var stream = fso.CreateTextFile(temporary, true, false);
    stream.Write(text);
    stream.Close();
    if (fso.FileExists(path)) {
        fso.DeleteFile(path, true);
    }
    fso.MoveFile(temporary, path);
    return SUCCESS;
}

function PurgeMachineConfig() {
    var folder = String(Session.Property("CustomActionData"));
    var fso = new ActiveXObject("Scripting.FileSystemObject");
    var names = ["agent.toml", "agent.toml.new"];
    for (var i = 0; i < names.length; i++) {
        var path = fso.BuildPath(folder, names[i]);
        if (fso.FileExists(path)) {
            fso.DeleteFile(path, true);
        }
    }
    return SUCCESS;
}
