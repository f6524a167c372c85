# Freeze the Backlight agent for Windows: run on a Windows runner (x64) from
# the repository root, with Python 3.11 or newer installed (the py launcher).
#
#   powershell -ExecutionPolicy Bypass -File installer\windows\freeze.ps1
#
# Output: dist\backlight-agent\ (backlight-agent.exe, backlight-agent-cli.exe,
# _internal\). Copy that folder to the Linux build machine (a CI artifact)
# and build the MSI there with wixl:
#
#   BACKLIGHT_WINDOWS_FROZEN=path/to/backlight-agent make packages PACKAGE_VERSION=X.Y.Z
#
# Signing: set BACKLIGHT_SIGN_CERT_THUMBPRINT to sign both programs with
# signtool before they go into the MSI (sign the MSI itself afterwards, on
# Windows, with the same certificate).
param(
    [string]$Python = "py -3.11",
    [string]$Work = "build\windows-freeze"
)
$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest

$venv = Join-Path $Work "venv"
Invoke-Expression "$Python -m venv `"$venv`""
$py = Join-Path $venv "Scripts\python.exe"
& $py -m pip install --upgrade pip
& $py -m pip install . "pyinstaller>=6.10"
if ($LASTEXITCODE -ne 0) { throw "pip install failed ($LASTEXITCODE)" }

& $py -m PyInstaller --noconfirm --clean `
    --distpath dist --workpath (Join-Path $Work "pyinstaller") `
    installer\windows\backlight-agent.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed ($LASTEXITCODE)" }

$out = "dist\backlight-agent"
foreach ($exe in "backlight-agent.exe", "backlight-agent-cli.exe") {
    if (-not (Test-Path (Join-Path $out $exe))) { throw "$exe missing from $out" }
}

# A frozen build that cannot start is caught here, not on a fleet.
& (Join-Path $out "backlight-agent-cli.exe") --help | Out-Null
if ($LASTEXITCODE -ne 0) { throw "backlight-agent-cli.exe --help failed ($LASTEXITCODE)" }

if ($env:BACKLIGHT_SIGN_CERT_THUMBPRINT) {
    foreach ($exe in "backlight-agent.exe", "backlight-agent-cli.exe") {
        signtool sign /sha1 $env:BACKLIGHT_SIGN_CERT_THUMBPRINT /fd SHA256 `
            /tr http://timestamp.digicert.com /td SHA256 (Join-Path $out $exe)
        if ($LASTEXITCODE -ne 0) { throw "signtool failed for $exe" }
    }
}
Write-Host "Frozen agent in $out; now: BACKLIGHT_WINDOWS_FROZEN=$out make packages"
