// Runs one of the MSI's JScript custom actions under Node, standing in for
// the two objects Windows Installer gives it: Session (only
// Property("CustomActionData")) and the Scripting.FileSystemObject, with
// that object's rules that matter here (MoveFile refuses an existing
// destination; CreateTextFile in ANSI mode cannot write non-ASCII).
// Usage: node msi_script_host.js SCRIPT FUNCTION DATA_FILE
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const [script, entry, dataFile] = process.argv.slice(2);
const data = fs.readFileSync(dataFile, "utf8");

const fileSystem = {
    BuildPath: (folder, name) => path.join(folder, name),
    FileExists: (p) => fs.existsSync(p) && fs.statSync(p).isFile(),
    DeleteFile: (p, force) => fs.unlinkSync(p),
    MoveFile: (from, to) => {
        if (fs.existsSync(to)) throw new Error("MoveFile: file already exists: " + to);
        fs.renameSync(from, to);
    },
    CreateTextFile: (p, overwrite, unicode) => {
        if (unicode) throw new Error("CreateTextFile: Unicode mode not expected");
        if (!overwrite && fs.existsSync(p)) throw new Error("CreateTextFile: exists: " + p);
        let text = "";
        return {
            Write: (chunk) => {
                for (const c of chunk) {
                    if (c.charCodeAt(0) > 0x7e) throw new Error("ANSI write of non-ASCII " + c);
                }
                text += chunk;
            },
            Close: () => fs.writeFileSync(p, text, "latin1"),
        };
    },
};

const context = vm.createContext({
    Session: {
        Property: (name) => {
            if (name !== "CustomActionData") throw new Error("deferred action read " + name);
            return data;
        },
    },
    ActiveXObject: function (progId) {
        if (progId !== "Scripting.FileSystemObject") throw new Error("unexpected " + progId);
        return fileSystem;
    },
});
vm.runInContext(fs.readFileSync(script, "utf8"), context, { filename: script });
process.stdout.write(String(vm.runInContext(entry + "()", context)));
