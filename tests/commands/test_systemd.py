"""The systemd units: generated, verified offline with systemd-analyze, installed via systemctl."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import commit, make_repo

from statusbot.commands import timer

pytestmark = pytest.mark.systemd

ANALYZE = shutil.which("systemd-analyze")


@pytest.fixture
def analyze() -> str:
    """Return systemd-analyze; fail without it on CI, skip without it elsewhere."""
    if ANALYZE is None:
        if os.environ.get("CI"):
            pytest.fail("systemd-analyze is missing: .ci/run installs the systemd package")
        pytest.skip("systemd-analyze is not installed (apt-get install systemd)")
    return ANALYZE


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A checkout with a config file, in a folder whose name needs escaping."""
    root = tmp_path / "my project 100%"
    repo = make_repo(root)
    commit(repo, "Work", datetime(2026, 2, 8, 9, 0, tzinfo=UTC))
    (root / "statusbot.yml").write_text("timezone: UTC\npublish:\n  remote: null\n")
    return root


@pytest.fixture
def systemctl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Put a recording systemctl first on PATH; return the log of its calls."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "systemctl.log"
    script = bin_dir / "systemctl"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$*" >> "{calls}"\n'
        'case "$*" in *show*) printf "ActiveState=active\\nUnitFileState=enabled\\n'
        'NextElapseUSecRealtime=Sun 2026-02-08 12:15:00 UTC\\nLastTriggerUSec=n/a\\n";; esac\n'
    )
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv("STATUSBOT_SYSTEMCTL", raising=False)
    monkeypatch.setenv("STATUSBOT_SYSTEM_UNIT_DIR", str(tmp_path / "etc-systemd-system"))
    return calls


def dry_run_units(run_cli, project: Path, *flags: str) -> dict[str, str]:
    result = run_cli(project, "timer", "install", *flags, "--dry-run")
    assert result.exit_code == 0, result.output
    units = {}
    for block in re.split(r"^# (?=/)", result.output, flags=re.M)[1:]:
        path, _, text = block.partition("\n")
        units[Path(path).name] = text
    assert sorted(units) == ["statusbot.service", "statusbot.timer"]
    return units


def verify(analyze: str, folder: Path, units: dict[str, str], user: bool, tmp_path: Path) -> None:
    """Run systemd-analyze verify; any output (a warning) fails."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in units.items():
        (folder / name).write_text(text)
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "SYSTEMD_LOG_LEVEL": "notice"}
    proc = subprocess.run(
        [analyze, "verify", *(["--user"] if user else []), *(str(folder / n) for n in units)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip() == "" and proc.stdout.strip() == ""


@pytest.mark.parametrize("scope", ["--user", "--system"])
def test_generated_units_verify_without_a_warning(analyze, project, run_cli, tmp_path, scope):
    token = Path(os.environ["XDG_CONFIG_HOME"]) / "statusbot" / "github-token"
    token.parent.mkdir(parents=True, exist_ok=True)
    token.write_text("not-a-real-token\n")
    token.chmod(0o600)
    units = dry_run_units(run_cli, project, scope)
    service = units["statusbot.service"]

    verify(analyze, tmp_path / "units", units, scope == "--user", tmp_path)

    assert "Type=oneshot" in service and "TimeoutStartSec=10min" in service
    assert "Environment=PYTHONUNBUFFERED=1" in service
    assert "NoNewPrivileges=yes" in service and "ProtectSystem=strict" in service
    assert "PrivateTmp=yes" in service and "ProtectHome=read-only" in service
    assert "SyslogIdentifier=statusbot" in service
    assert '"' + str(project / ".git").replace("%", "%%") + '"' in service  # ReadWritePaths
    assert "100%%" in service and "not-a-real-token" not in service
    exec_line = next(ln for ln in service.splitlines() if ln.startswith("ExecStart="))
    assert exec_line.endswith(" publish") and "--config" in exec_line
    if scope == "--user":
        assert f"LoadCredential=github-token:{token}" in service
        assert "User=" not in service
    else:
        assert "\nUser=" in service and "After=network-online.target" in service
    timer_unit = units["statusbot.timer"]
    for line in ("OnCalendar=*:0/15", "Persistent=true", "RandomizedDelaySec=1min",
                 "AccuracySec=1min", "WantedBy=timers.target"):  # fmt: skip
        assert line in timer_unit.splitlines()


def test_a_warning_fails_the_verification(analyze, project, run_cli, tmp_path):
    units = dry_run_units(run_cli, project, "--system")
    units["statusbot.service"] += "NoSuchSetting=yes\n"
    with pytest.raises(AssertionError, match="Unknown key"):
        verify(analyze, tmp_path / "bad", units, False, tmp_path)


def test_without_a_token_file_the_credential_is_a_comment(project, run_cli):
    service = dry_run_units(run_cli, project, "--user")["statusbot.service"]
    assert "\n# LoadCredential=github-token:" in service
    assert "\n# EnvironmentFile=" in service


def test_schedule_is_every_quarter_hour(analyze):
    proc = subprocess.run(
        [analyze, "calendar", "--iterations=6", "--base-time=2026-02-08 23:07:00 UTC", "*:0/15"],
        capture_output=True, text=True, env={**os.environ, "TZ": "UTC"}, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "Normalized form: *-*-* *:00/15:00" in proc.stdout
    times = re.findall(r"(?:Next elapse|Iter\. #\d+): \w+ (\S+ \S+)", proc.stdout)
    assert times == [
        "2026-02-08 23:15:00", "2026-02-08 23:30:00", "2026-02-08 23:45:00",
        "2026-02-09 00:00:00", "2026-02-09 00:15:00", "2026-02-09 00:30:00",
    ]  # fmt: skip


def test_install_writes_units_reloads_enables_and_mentions_linger(project, run_cli, systemctl):
    result = run_cli(project, "timer", "install")

    assert result.exit_code == 0, result.output
    unit_dir = Path(os.environ["XDG_CONFIG_HOME"]) / "systemd" / "user"
    assert (unit_dir / "statusbot.timer").is_file() and (unit_dir / "statusbot.service").is_file()
    assert systemctl.read_text().splitlines() == [
        "--user daemon-reload",
        "--user enable --now statusbot.timer",
    ]
    assert f"wrote {unit_dir / 'statusbot.service'}" in result.output
    assert "enabled and started statusbot.timer" in result.output
    if not (timer.LINGER_DIR / timer._current_user()).exists():
        assert "loginctl enable-linger" in result.output

    status = run_cli(project, "timer", "status")
    assert status.output.strip() == (
        "timer: user timer active, enabled; next run Sun 2026-02-08 12:15:00 UTC; last run n/a"
    )

    removed = run_cli(project, "timer", "uninstall")
    assert removed.exit_code == 0, removed.output
    assert not (unit_dir / "statusbot.timer").exists()
    assert systemctl.read_text().splitlines()[-2:] == [
        "--user disable --now statusbot.timer",
        "--user daemon-reload",
    ]


def test_system_install_uses_the_system_folder(project, run_cli, systemctl, tmp_path):
    result = run_cli(project, "timer", "install", "--system")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "etc-systemd-system" / "statusbot.timer").is_file()
    assert systemctl.read_text().splitlines() == ["daemon-reload", "enable --now statusbot.timer"]
    assert "enable-linger" not in result.output


def test_install_without_systemctl_is_one_clear_line(project, run_cli, monkeypatch, tmp_path):
    monkeypatch.setenv("STATUSBOT_SYSTEMCTL", str(tmp_path / "missing-systemctl"))
    result = run_cli(project, "timer", "install")
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        f"Error: systemctl not found at {tmp_path / 'missing-systemctl'}: "
        "this needs a machine run by systemd"
    )
    assert run_cli(project, "timer", "status").output.strip() == (
        "timer: user units installed; state unknown: systemctl not found at "
        f"{tmp_path / 'missing-systemctl'}: this needs a machine run by systemd"
    )
