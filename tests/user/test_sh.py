"""
The shell (usr/sh) on the Linux host, driven through a pty with pexpect:
the same static binary Tessera runs. Commands come from the musl-built
tools in build/test/user/usr/bin (PATH holds nothing else), so the host's
/bin does not matter. Also: the core tools, scripts fed on standard input,
and init restarting the shell.
"""
import os
import re
import signal
import subprocess
import time

import pexpect
import pytest

PROMPT = "PROMPT> "
TIMEOUT = 10


class Shell:
    """One interactive sh in a pty; run() types a line and returns its output."""

    def __init__(self, bin_dir, home, ps1=PROMPT, argv=("sh",), extra_env=None):
        env = {"PATH": str(bin_dir), "HOME": str(home), "TERM": "dumb"}
        if ps1 is not None:
            env["PS1"] = ps1
        env.update(extra_env or {})
        self.child = pexpect.spawn(str(bin_dir / argv[0]), list(argv[1:]), env=env,
                                   cwd=str(home), encoding="utf-8", timeout=TIMEOUT,
                                   dimensions=(24, 200))
        self.log = []
        if ps1 is not None:
            self.wait_prompt()

    def wait_prompt(self, timeout=TIMEOUT):
        self.child.expect_exact(PROMPT, timeout=timeout)
        return self.child.before

    def run(self, line, timeout=TIMEOUT):
        """Types line + Enter; returns what it printed, with \\n line ends."""
        self.child.send(line + "\r")
        out = self.wait_prompt(timeout)
        out = out.replace("\r\n", "\n")
        echo = line + "\n"
        assert out.startswith(echo), "no echo of %r in %r" % (line, out)
        return out[len(echo):]

    def close(self):
        if self.child.isalive():
            self.child.terminate(force=True)


@pytest.fixture
def sh(usr_bin, tmp_path):
    s = Shell(usr_bin, tmp_path)
    yield s
    s.close()


def test_default_prompt_is_hash_for_root(usr_bin, tmp_path):
    s = Shell(usr_bin, tmp_path, ps1=None)
    try:
        s.child.expect_exact("# " if os.geteuid() == 0 else "$ ")
    finally:
        s.close()


def test_pipelines(sh):
    assert sh.run("echo hello world | wc -w").strip() == "2"
    assert sh.run("echo abc | cat | cat | wc -c").strip() == "4"
    assert sh.run("echo x | false | true; echo $?") == "0\n"


def test_redirection(sh, tmp_path):
    assert sh.run("echo one > f; echo two >> f; cat < f") == "one\ntwo\n"
    assert (tmp_path / "f").read_text() == "one\ntwo\n"
    assert sh.run("ls /nonexistent 2> err; cat err").startswith("ls: /nonexistent")
    assert sh.run("ls /nonexistent > both 2>&1; wc -l < both").strip() == "1"
    assert sh.run("cat < missing-file; echo $?").endswith("1\n")


def test_and_or_and_status(sh):
    assert sh.run("false && echo no || echo yes") == "yes\n"
    assert sh.run("true && echo a; false; echo $?") == "a\n1\n"
    assert sh.run("nosuchcommand; echo $?") == "sh: nosuchcommand: not found\n127\n"


def test_variables_and_export(sh):
    assert sh.run("X=hello; echo $X ${X}!") == "hello hello!\n"
    assert sh.run("export Y=exported; sh -c 'echo $Y'") == "exported\n"
    assert sh.run("Z=inline sh -c 'echo $Z'; echo \"[$Z]\"") == "inline\n[]\n"
    assert sh.run("unset X; echo \"[$X]\"") == "[]\n"
    assert int(sh.run("env | wc -l")) >= 4		# PATH HOME TERM PS1 PWD Y
    assert sh.run("echo $$") == "%d\n" % sh.child.pid


def test_quoting_and_escapes(sh):
    sh.run("X=1")
    assert sh.run("echo 'a  $X' \"b  $X\" \\$X c\\ d") == "a  $X b  1 $X c d\n"
    assert sh.run("echo \"q\\\"uote\" 'it'\\''s'") == "q\"uote it's\n"
    assert sh.run("echo '' \"\" | wc -c").strip() == "2"


def test_globbing(sh, tmp_path):
    for name in ("b.txt", "a.txt", "c.log"):
        (tmp_path / name).write_text("")
    assert sh.run("echo *.txt") == "a.txt b.txt\n"
    assert sh.run("echo '*.txt' *.none") == "*.txt *.none\n"


def test_continuation_lines(sh):
    sh.child.send("echo 'a\r")
    sh.child.expect_exact("> ")
    assert sh.run("b'") == "a\nb\n"
    sh.child.send("echo x |\r")
    sh.child.expect_exact("> ")
    assert sh.run("wc -l").strip() == "1"


def test_cd_and_pwd(sh, tmp_path):
    assert sh.run("cd /; pwd") == "/\n"
    assert sh.run("cd; pwd") == "%s\n" % tmp_path
    sh.run("mkdir sub; cd sub")
    assert sh.run("pwd") == "%s/sub\n" % tmp_path
    assert sh.run("cd -") == "%s\n" % tmp_path
    assert sh.run("cd /nonexistent").startswith("sh: cd: /nonexistent:")


def test_background_jobs_and_fg(sh):
    out = sh.run("sleep 1 &")
    assert re.fullmatch(r"\[1\] \d+\n", out), out
    assert re.search(r"\[1\]\+\s+Running\s+sleep 1", sh.run("jobs"))
    start = time.monotonic()
    assert sh.run("fg", timeout=5) == "sleep 1\n"
    assert time.monotonic() - start < 5
    assert sh.run("jobs") == ""


def test_done_jobs_are_reported(sh):
    sh.run("sleep 0.2 &")
    time.sleep(0.5)
    assert re.search(r"\[1\]\+\s+Done\s+sleep 0.2", sh.run(""))


def test_ctrl_c_kills_foreground_job(sh):
    sh.child.send("sleep 100\r")
    sh.child.expect_exact("sleep 100")
    time.sleep(0.5)
    start = time.monotonic()
    sh.child.sendcontrol("c")
    sh.wait_prompt(timeout=5)
    assert time.monotonic() - start < 5
    assert sh.run("echo $?") == "130\n"


def test_ctrl_c_at_prompt_drops_the_line(sh):
    sh.child.send("echo never")
    sh.child.sendcontrol("c")
    sh.wait_prompt()
    assert sh.run("echo ok") == "ok\n"


def test_ctrl_z_bg_and_kill_job(sh):
    sh.child.send("sleep 100\r")
    time.sleep(0.5)
    sh.child.sendcontrol("z")
    out = sh.wait_prompt()
    assert re.search(r"\[1\]\+\s+Stopped\s+sleep 100", out), out
    assert sh.run("bg") == "[1]+ sleep 100 &\n"
    assert re.search(r"Running\s+sleep 100", sh.run("jobs"))
    out = sh.run("kill %1")
    time.sleep(0.3)
    out += sh.run("")
    assert re.search(r"\[1\]\+\s+Terminated\s+sleep 100", out), out


def test_ctrl_z_then_fg(sh):
    sh.child.send("sleep 100\r")
    time.sleep(0.5)
    sh.child.sendcontrol("z")
    out = sh.wait_prompt()
    assert re.search(r"\[1\]\+\s+Stopped\s+sleep 100", out), out
    assert sh.run("echo $?") == "148\n"
    assert re.search(r"Stopped\s+sleep 100", sh.run("jobs"))
    sh.child.send("fg\r")
    sh.child.expect_exact("sleep 100")
    time.sleep(0.5)
    sh.child.sendcontrol("c")
    sh.wait_prompt(timeout=5)
    assert sh.run("echo $?") == "130\n"
    assert sh.run("jobs") == ""


def test_history_with_up_arrow(sh):
    assert sh.run("echo first-command") == "first-command\n"
    sh.run("true")
    sh.child.send("\x1b[A\x1b[A\r")
    out = sh.wait_prompt().replace("\r\n", "\n")
    assert out.endswith("first-command\n"), repr(out)
    hist = sh.run("history")
    assert re.search(r"1\s+echo first-command\n\s+2\s+true\n", hist), hist


def test_line_editing_keys(sh):
    sh.child.send("echo wrld\x1b[D\x1b[D\x1b[Do\r")		# Left x3, insert
    assert sh.wait_prompt().replace("\r\n", "\n").endswith("world\n")
    sh.child.send("cho start\x01e\r")				# Ctrl-A, insert at start
    assert sh.wait_prompt().replace("\r\n", "\n").endswith("start\n")
    sh.child.send("xecho abcX\x7f\x1b[H\x1b[3~\x1b[F!\r")	# Backspace, Home, Delete, End
    assert sh.wait_prompt().replace("\r\n", "\n").endswith("abc!\n")


def test_ctrl_d_exits(usr_bin, tmp_path):
    s = Shell(usr_bin, tmp_path)
    s.run("false")
    s.child.sendcontrol("d")
    s.child.expect(pexpect.EOF)
    s.child.close()
    assert s.child.exitstatus == 1


def test_script_on_standard_input(usr_bin, tmp_path):
    """The shell reads a pipe a byte at a time: cat gets the lines after its own."""
    script = "echo one | cat\nX=2\necho \"x=$X\"\ncat\nthis line is read by cat\n"
    proc = subprocess.run([str(usr_bin / "sh")], input=script, text=True, capture_output=True,
                          env={"PATH": str(usr_bin)}, cwd=str(tmp_path), timeout=TIMEOUT)
    assert proc.stdout == "one\nx=2\nthis line is read by cat\n"
    assert proc.returncode == 0
    proc = subprocess.run([str(usr_bin / "sh")], input="true\nexit 4\necho not here\n",
                          text=True, capture_output=True, env={}, timeout=TIMEOUT)
    assert (proc.stdout, proc.returncode) == ("", 4)


def test_sh_c_and_script_file(usr_bin, tmp_path):
    env = {"PATH": str(usr_bin)}
    proc = subprocess.run([str(usr_bin / "sh"), "-c", "echo $0 $1 $#", "name", "arg"],
                          text=True, capture_output=True, env=env, timeout=TIMEOUT)
    assert proc.stdout == "name arg 1\n"
    script = tmp_path / "s.sh"
    script.write_text("#!/bin/sh\n# a comment\necho \"$1-$2\"\nexit 3\n")
    script.chmod(0o755)
    proc = subprocess.run([str(usr_bin / "sh"), str(script), "a", "b"], text=True,
                          capture_output=True, env=env, timeout=TIMEOUT)
    assert (proc.stdout, proc.returncode) == ("a-b\n", 3)
    proc = subprocess.run([str(usr_bin / "sh"), "-c", "echo 'unterminated"], text=True,
                          capture_output=True, env=env, timeout=TIMEOUT)
    assert proc.returncode == 2 and "unexpected end" in proc.stderr


def run_tools(usr_bin, cwd, script):
    """Runs script with sh -c; returns (stdout and stderr interleaved, status)."""
    proc = subprocess.run([str(usr_bin / "sh"), "-c", script], text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          env={"PATH": str(usr_bin), "HOME": str(cwd)},
                          cwd=str(cwd), timeout=TIMEOUT)
    return proc.stdout, proc.returncode


def test_core_tools(usr_bin, tmp_path):
    out, rc = run_tools(usr_bin, tmp_path, """
        mkdir -p a/b/c && echo hi > a/b/c/f && cp a/b/c/f g && mv g h && cat h
        ln h hard && ln -s h soft && ls -l soft | wc -l
        cp -r a a2 && ls a2/b/c && rm -r a2 && ls
        rmdir a/b/c 2>/dev/null; echo rmdir=$?
        rm a/b/c/f && rmdir -p a/b/c && echo gone
        echo -n no-newline; echo; echo -e 'tab\\there'
        echo 1 2 3 | wc; head -n 2 < /dev/null; echo x | head -c 1; echo
        true; echo t=$?; false; echo f=$?
        uname; kill -l | head -1; sleep 0.1 && echo slept
        env -i A=1 env; pwd
        clear | wc -c
    """)
    assert rc == 0, out
    expected = [
        "hi", "      1", "f", "a", "h", "hard", "soft", "rmdir=1", "gone", "no-newline",
        "tab\there", "      1       3       6", "x", "t=0", "f=1", "Linux", " 1) SIGHUP",
        "slept", "A=1", str(tmp_path), "      7",
    ]
    assert out.split("\n")[:len(expected)] == expected, out


def test_ls_long_format(usr_bin, tmp_path):
    (tmp_path / "file").write_text("12345")
    (tmp_path / ".hidden").write_text("")
    out, _ = run_tools(usr_bin, tmp_path, "ls -l file; ls; ls -a")
    lines = out.split("\n")
    assert re.fullmatch(r"-rw-r--r-- +1 +\d+ +\d+ +5 \d{4}-\d\d-\d\d \d\d:\d\d file", lines[0])
    assert lines[1:] == ["file", ".", "..", ".hidden", "file", ""]


def test_tool_errors(usr_bin, tmp_path):
    out, rc = run_tools(usr_bin, tmp_path, "cat nofile; echo $?; rm nofile; rm -f nofile; "
                        "mkdir x; mkdir x; kill -9 999999; ls -z; kill %3; fg")
    assert out.split("\n") == [
        "cat: nofile: No such file or directory", "1", "rm: nofile: No such file or directory",
        "mkdir: x: File exists", "sh: kill: 999999: No such process",
        "ls: usage: ls [-adl1] [FILE...]", "sh: kill: %3: no such job", "sh: fg: no job control",
        ""], out
    assert rc == 1


def test_init_restarts_the_shell(usr_bin, tmp_path):
    """init (not pid 1 here: no mounts, no console) starts $INIT_SHELL and restarts it."""
    env = {"PATH": str(usr_bin), "HOME": str(tmp_path), "PS1": PROMPT,
           "INIT_SHELL": str(usr_bin / "sh"), "TERM": "dumb"}
    child = pexpect.spawn(str(usr_bin / "init"), env=env, cwd=str(tmp_path),
                          encoding="utf-8", timeout=TIMEOUT)
    try:
        child.expect_exact(PROMPT)
        child.send("echo $$ > pid1; exit 5\r")
        child.expect_exact("exited with status 5; restarting it")
        child.expect_exact(PROMPT)
        child.send("echo second; cat pid1\r")
        child.expect_exact("second")
        child.expect_exact(PROMPT)
    finally:
        os.killpg(child.pid, signal.SIGKILL)
        child.close(force=True)
