; Inno Setup script for Resource Reader on Windows (Inno Setup 6).
; Built by packaging/build.py after PyInstaller, which passes AppVersion and the folders:
;   iscc /DAppVersion=0.1.0 /DBundleDir=...\dist\reader-app /DOutputDir=...\dist reader-app.iss
; Installs per user by default (council laptops rarely allow more), or for everyone when
; run as an administrator; adds a Start menu entry, opens .rrpack packs and
; resource-reader: links; the uninstaller keeps the reader's notes and documents unless
; they say otherwise.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef BundleDir
  #define BundleDir "..\..\dist\reader-app"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif
#define AppName "Resource Reader"
#define AppExe "reader-app.exe"
; The data folder platformdirs gives the app on Windows (reader_app/paths.py).
#define DataFolder "{localappdata}\resource-reader"

[Setup]
AppId={{6B0C5E0A-4F3B-4C57-9D4E-2B7A1D3C8E51}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Resource Reader developers
AppComments=Read, search and annotate place-based recovery briefings offline
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputDir={#OutputDir}
OutputBaseFilename=reader-app-{#AppVersion}-windows-setup
SetupIconFile=..\icons\resource-reader.ico
UninstallDisplayIcon={app}\{#AppExe}
LicenseFile=..\..\LICENSE
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesAssociations=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: recursesubdirs createallsubdirs ignoreversion

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\Check {#AppName} (doctor)"; Filename: "{cmd}"; Parameters: "/k ""{app}\reader-app-cli.exe"" doctor"
Name: "{group}\Uninstall {#AppName}"; Filename: "{uninstallexe}"

[Registry]
; Packs (.rrpack) open in the app, which shows what installing one would change first.
Root: HKA; Subkey: "Software\Classes\.rrpack"; ValueType: string; ValueName: ""; ValueData: "ResourceReader.Pack"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.rrpack"; ValueType: string; ValueName: "Content Type"; ValueData: "application/x-resource-reader-pack"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\ResourceReader.Pack"; ValueType: string; ValueName: ""; ValueData: "Resource Reader pack"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\ResourceReader.Pack\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\ResourceReader.Pack\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
; resource-reader: links, as exported notes carry them.
Root: HKA; Subkey: "Software\Classes\resource-reader"; ValueType: string; ValueName: ""; ValueData: "URL:Resource Reader link"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\resource-reader"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\resource-reader\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\resource-reader\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""

[Run]
Filename: "{app}\{#AppExe}"; Description: "Start {#AppName}"; Flags: nowait postinstall skipifsilent

[Code]
{ Notes, tags, highlights and the reader's own documents live in the data folder, not
  in {app}: they are kept unless the reader asks for them to go (never when silent). }
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  Folder: String;
begin
  if CurUninstallStep = usPostUninstall then
  begin
    Folder := ExpandConstant('{#DataFolder}');
    if DirExists(Folder) and not UninstallSilent then
      if MsgBox('Also delete your notes, highlights, tags and the documents you added?' + #13#10#13#10 +
                'They are in ' + Folder + '.' + #13#10 +
                'Choose No to keep them for a later installation.',
                mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES then
        DelTree(Folder, True, True, True);
  end;
end;
