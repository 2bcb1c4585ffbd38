#!/usr/bin/env bash
# Builds kms-agent-<version>.msi, the machine agent's Windows installer, from an assembled installation folder,
# with msitools (wixl, wixl-heat, msibuild) on Linux. Run by the distribution module's package phase.
# Usage: build-msi.sh INSTALLATION_DIR OUTPUT_MSI MAVEN_VERSION WORK_DIR
#   INSTALLATION_DIR  an assembled installation (target/kms-agent-machine): bin\, lib\, plugins\, conf\agent.yaml and
#                     conf\service-jvm.options
#   MAVEN_VERSION     e.g. 0.1.0-SNAPSHOT; the MSI gets its numeric part (0.1.0)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$1" && pwd)
output=$2
maven_version=$3
work=$4

for tool in wixl wixl-heat msibuild msiinfo; do
  if ! command -v "$tool" > /dev/null 2>&1; then
    echo "build-msi: $tool not found: install Debian's packages wixl and msitools (.ci/run does)." >&2
    exit 1
  fi
done

# An MSI version (ProductVersion) is major.minor.build with major and minor at most 255 and build at most 65535;
# Windows Installer ignores a fourth field, so the version is the first three numbers of the Maven version, and a
# -SNAPSHOT or other suffix is dropped. A field beyond its limit is refused here: Windows Installer would compare
# such a version wrongly (or refuse the package), and upgrades decide by that comparison.
version=$(printf '%s' "$maven_version" | sed -E 's/^([0-9]+(\.[0-9]+){0,2}).*/\1/')
case "$version" in
  [0-9]*) ;;
  *) echo "build-msi: cannot make an MSI version of $maven_version: it must start with a number" >&2; exit 1 ;;
esac
IFS=. read -r major minor build <<< "$version"
for field in "major:${major}:255" "minor:${minor:-0}:255" "build:${build:-0}:65535"; do
  IFS=: read -r name value limit <<< "$field"
  # 10#: a leading zero is not octal. The length check first keeps a huge number from overflowing the arithmetic.
  if [ ${#value} -gt 5 ] || [ $((10#$value)) -gt "$limit" ]; then
    echo "build-msi: cannot make an MSI version of $maven_version: its $name number $value is above $limit" \
      "(an MSI version is major.minor.build, at most 255.255.65535)" >&2
    exit 1
  fi
done

rm -rf "$work"
stage="$work/stage"
mkdir -p "$stage/bin" "$stage/conf"
# What the machine agent installs: the launcher, the libraries, the plugins, the reference configuration and the
# service host's JVM options (conf\service-jvm.options, as in the .zip). The service scripts are left out: the MSI
# installs and removes the service itself.
cp "$source_dir/bin/kms-agent.cmd" "$stage/bin/"
# The jars and the list of the bundled families (their jars load first), not a class-data archive a run of the sh
# launcher may have left in lib/.
mkdir -p "$stage/lib"
cp "$source_dir"/lib/*.jar "$source_dir/lib/bundled-plugins.txt" "$stage/lib/"
cp -r "$source_dir/plugins" "$stage/"
# The configuration files with CRLF line endings, as in the .zip (machine-archive-zip.xml): an administrator opens
# them in Notepad, which before Windows 10 1809 (Server 2016 included) shows an LF file as one line. The agent.yaml
# the MSI puts in %ProgramData%\kms-agent, the one the service reads and the administrator edits, is this copy too.
for conf in agent.yaml service-jvm.options; do
  awk '{ sub(/\r$/, ""); printf "%s\r\n", $0 }' "$source_dir/conf/$conf" > "$stage/conf/$conf"
done
if [ -f "$source_dir/bin/kms-agent-service.exe" ]; then
  cp "$source_dir/bin/kms-agent-service.exe" "$stage/bin/"
else
  # PLACEHOLDER: the native service host (mingw-w64, loads jvm.dll) is not part of the assembled installation
  # yet. Until it is, the MSI carries this text file under its name so that the tables and the tests are complete;
  # such an MSI installs but its service cannot start. The build says so below.
  printf 'PLACEHOLDER for bin\\kms-agent-service.exe, the kms-agent service host (not built yet).\r\n' \
    > "$stage/bin/kms-agent-service.exe"
  echo "build-msi: WARNING: $source_dir/bin/kms-agent-service.exe is missing; the MSI holds a placeholder" >&2
fi

# lib\ and plugins\ change with every dependency: their components are generated (each file its own component,
# with a GUID wixl derives from its path, so that upgrades match them).
(cd "$stage" && find lib plugins -type f | LC_ALL=C sort \
  | wixl-heat -p '' --directory-ref INSTALLDIR --var var.SourceDir --component-group Payload --win64) \
  > "$work/payload.wxs"

mkdir -p "$(dirname "$output")"
output=$(cd "$(dirname "$output")" && pwd)/$(basename "$output")
# wixl 0.101 finds sources only by paths relative to where it runs.
(cd "$work" && wixl -a x64 -D Version="$version" -D SourceDir=stage -D Win64=yes -o "$output" \
  "$here/kms-agent.wxs" payload.wxs)

# What wixl cannot write (msitools 0.101):
# - Permission/PermissionEx: %ProgramData%\kms-agent, HKLM\SOFTWARE\kms-agent (the remembered token) and the
#   service's key (its environment holds the token) get a protected DACL of SYSTEM and Administrators only,
#   through MsiLockPermissionsEx rows (Windows Installer 5).
# - Secure="yes": the public properties must be in SecureCustomProperties to reach the elevated install.
idt="$work/idt"
mkdir -p "$idt"
folder='D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)'
key='D:P(A;CI;KA;;;SY)(A;CI;KA;;;BA)'
{
  printf 'MsiLockPermissionsEx\tLockObject\tTable\tSDDLText\tCondition\r\n'
  printf 's72\ts72\ts32\tS0\tS255\r\n'
  printf 'MsiLockPermissionsEx\tMsiLockPermissionsEx\r\n'
  printf 'LockDataFolder\tKMSDATA\tCreateFolder\t%s\t\r\n' "$folder"
  printf 'LockRemembered\tRememberInstallDir\tRegistry\t%s\t\r\n' "$key"
  printf 'LockServiceKey\tEnvConfig\tRegistry\t%s\t\r\n' "$key"
} > "$idt/MsiLockPermissionsEx.idt"
msibuild "$output" -i "$idt/MsiLockPermissionsEx.idt"

# - Component conditions and the Permanent attribute (newer wixl reads <Condition> and Permanent="yes").
for pair in EnvKms:KMS EnvHubs:HUBS EnvHubToken:HUB_TOKEN EnvHubTrust:HUB_TRUST EnvJavaHome:JAVA_HOME; do
  msibuild "$output" -q "UPDATE \`Component\` SET \`Condition\` = '${pair#*:}' WHERE \`Component\` = '${pair%%:*}'"
done
attributes=$(msiinfo export "$output" Component | awk -F'\t' '$1 == "DataFolder" { print $4 }' | tr -d '\r')
msibuild "$output" -q "UPDATE \`Component\` SET \`Attributes\` = $((attributes | 16)) WHERE \`Component\` = 'DataFolder'"

# - AllowSameVersionUpgrades: an MSI of the same version (a rebuilt snapshot) upgrades too, instead of being
#   refused as "another version of this product is already installed".
#   (Attributes is part of the Upgrade table's key, so the row is replaced: 513 = MigrateFeatures + VersionMaxInclusive.)
property() { msiinfo export "$output" Property | awk -F'\t' -v p="$1" '$1 == p { print $2 }' | tr -d '\r'; }
upgrade_code=$(property UpgradeCode)
msibuild "$output" -q "DELETE FROM \`Upgrade\` WHERE \`ActionProperty\` = 'WIX_UPGRADE_DETECTED'"
msibuild "$output" -q "INSERT INTO \`Upgrade\` (\`UpgradeCode\`, \`VersionMax\`, \`Attributes\`, \`ActionProperty\`) VALUES ('$upgrade_code', '$version', 513, 'WIX_UPGRADE_DETECTED')"

# - RemoveFile/RemoveFolder: at uninstall the Service component removes every file in <install>\logs\ (the service
#   host's kms-agent-service.log, which no component installs), then the folder (InstallMode 2: on uninstall).
msibuild "$output" -q "INSERT INTO \`RemoveFile\` (\`FileKey\`, \`Component_\`, \`FileName\`, \`DirProperty\`, \`InstallMode\`) VALUES ('ServiceHostLogs', 'Service', '*', 'LOGDIR', 2)"
msibuild "$output" -q "INSERT INTO \`RemoveFile\` (\`FileKey\`, \`Component_\`, \`DirProperty\`, \`InstallMode\`) VALUES ('ServiceHostLogsFolder', 'Service', 'LOGDIR', 2)"

# - RemoveFile in lib\: the class-data archive the service host makes at the service's first stop (and its pending
#   files), which no component installs, goes at install and at uninstall (3): an upgrade's new jars would make the
#   JVM refuse the old archive silently, and the host would never make a new one while it is there
#   (docs/windows.md, "As a service"). lib\ is a directory wixl-heat names: found by its name under INSTALLDIR.
libdir=$(msiinfo export "$output" Directory | tr -d '\r' | awk -F'\t' '$2 == "INSTALLDIR" && ($3 == "lib" || $3 ~ /\|lib$/) { print $1 }')
if [ -z "$libdir" ]; then
  echo "build-msi: no lib directory under INSTALLDIR in $output" >&2
  exit 1
fi
msibuild "$output" -q "INSERT INTO \`RemoveFile\` (\`FileKey\`, \`Component_\`, \`FileName\`, \`DirProperty\`, \`InstallMode\`) VALUES ('ClassDataArchive', 'Service', 'kms-agent-run*.jsa*', '$libdir', 3)"

# - Type="expandable" on a RegistryValue: wixl writes EventMessageFile as a plain string (REG_SZ). "#%" makes the
#   value REG_EXPAND_SZ, the type the Event Log documents for a message file path.
msibuild "$output" -q "UPDATE \`Registry\` SET \`Value\` = '#%[#ServiceExe]' WHERE \`Registry\` = 'EventSourceMessages'"

secure=$(property SecureCustomProperties)
secure="${secure:+$secure;}KMS;HUBS;HUB_TOKEN;HUB_TRUST;JAVA_HOME;PURGE_DATA"
msibuild "$output" -q "UPDATE \`Property\` SET \`Value\` = '$secure' WHERE \`Property\` = 'SecureCustomProperties'"

echo "build-msi: $output (MSI version $version)"
