"""Do hostile submissions gain nothing and harm no one? The notebooks in ``tests/files/attacks/``.

Each attack notebook is a lesson exercise notebook with wrong answers (lesson 01's, or for
``silence-numpy-warnings`` a naive lesson-02 sigmoid) and one attack cell at the end. The
attacks on the system (edit the grader's files, run the solutions, rewrite classmates, plant
``sitecustomize.py``, reach other kernels, fork a daemon, kill processes, exhaust memory,
disk and processes, open connections) set one answer right *when they get through*, so a
point in the gradebook is the evidence. The attacks on the judge (patch comparisons, walk
frames, replace checkers, forge verdicts, silence warnings) gain points wherever the judge
runs in the student's process.

Every attack is graded in ONE run of the command (``-j 2``), each submission in its own
folder as in a real class, in groups sorted so that an honest right control comes before
the attacks of its group and an honest wrong control after them. The tests then ask: did
the attack score what its wrong answers earn (0), were the controls graded as when alone,
is the gradebook complete and still unchanged a while after the grader exits, are the
course's checkout and the class folder byte-identical, did no process of the run survive,
and was nothing outside the sandbox reached (a sentinel process, a listening TCP port)?

The module runs only where the sandbox works (Linux with bubblewrap): unconfined, these
notebooks would really kill processes and write into the checkout.
"""

from __future__ import annotations

import compileall
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from course_tools.grader.gradebook import read_csv
from course_tools.grader.sandbox import sandbox_problem
from course_utils.grading import exercises_for_lesson

ROOT = Path(__file__).parent.parent
FILES = Path(__file__).parent / "files"
ATTACKS = FILES / "attacks"

SYSTEM_ATTACKS = [
    "edit-grader-package",
    "exec-solution",
    "rewrite-other-submissions",
    "sitecustomize",
    "signed-requests-to-other-kernels",
    "daemon-rewrites-gradebook",
    "kill-every-process",
    "exhaust-memory",
    "fill-disk",
    "fork-bomb",
    "network",
    "redirect-grader-sockets",
]
JUDGE_ATTACKS = [
    "read-the-answer-key",
    "read-the-answer-key-02",
    "patch-isclose-and-abs",
    "walk-frames-to-the-checker",
    "replace-the-checker-via-gc",
    "forge-the-verdict",
    "silence-numpy-warnings",
]
SELF_HARMING = {"fill-disk"}
"""Attacks that can only cost their own author points (the grader has no room to pass arguments)."""
LESSON_OF = {"silence-numpy-warnings": "02", "read-the-answer-key-02": "02"}
CONTROLS = {  # lesson -> (honest right, honest wrong with the same answers as the attack)
    "01": (ROOT / "solutions" / "01-why-nonlinearity.ipynb", FILES / "wrong.ipynb"),
    "02": (
        ROOT / "solutions" / "02-sigmoid-tanh-saturation.ipynb",
        ATTACKS / "controls" / "lesson02-naive-sigmoid.ipynb",
    ),
}
UNIX_LISTENER = "/tmp/course-utils-attack-listener.sock"
"""The socket ``redirect-grader-sockets.ipynb`` tries to make the grader connect to."""
GROUP = 2
"""Attacks per group: right control, the attacks, wrong control (sorted in that order)."""

SANDBOXED = sandbox_problem() is None
sandbox_only = pytest.mark.skipif(
    not SANDBOXED, reason="no sandbox here: attack notebooks are never graded unconfined"
)


def tree_hash(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` (and the target of every link), by relative path."""
    digests = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_symlink():
            digests[relative] = "link:" + os.readlink(path)
        elif path.is_file():
            digests[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


def startup_files() -> set[str]:
    """``sitecustomize.py`` / ``usercustomize.py`` in the checkout and the interpreter's site dirs."""
    import site

    folders = [ROOT, *map(Path, site.getsitepackages())]
    return {str(f / n) for f in folders for n in ("sitecustomize.py", "usercustomize.py") if (f / n).exists()}


def processes_with(marker: bytes) -> list[int]:
    """PIDs whose command line or environment mention ``marker`` (this run's processes)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        for part in ("cmdline", "environ"):
            try:
                if marker in Path(f"/proc/{entry}/{part}").read_bytes():
                    found.append(int(entry))
                    break
            except OSError:
                continue
    return found


def layout(klass: Path) -> dict[str, dict[str, str]]:
    """Copy the controls and attacks into ``klass``; return each group's submission names."""
    groups: dict[str, dict[str, str]] = {}
    attacks = SYSTEM_ATTACKS + JUDGE_ATTACKS
    by_lesson: dict[str, list[str]] = {}
    for name in attacks:
        by_lesson.setdefault(LESSON_OF.get(name, "01"), []).append(name)
    number = 0
    for lesson, names in by_lesson.items():
        right, wrong = CONTROLS[lesson]
        for start in range(0, len(names), GROUP):
            number += 1
            tag = f"g{number:02d}"
            members = {"right": f"{tag}a-right/alice.ipynb", "wrong": f"{tag}z-wrong/zoe.ipynb"}
            for k, name in enumerate(names[start : start + GROUP]):
                members[name] = f"{tag}m{k}-{name}/{name}.ipynb"
                groups[name] = members
            for role, source in (("right", right), ("wrong", wrong)):
                (klass / members[role]).parent.mkdir(parents=True)
                shutil.copy(source, klass / members[role])
            for name in names[start : start + GROUP]:
                (klass / members[name]).parent.mkdir(parents=True)
                shutil.copy(ATTACKS / f"{name}.ipynb", klass / members[name])
    return groups


def count_connections(server: socket.socket, seen: list[bytes], stop: threading.Event) -> None:
    server.settimeout(0.2)
    while not stop.is_set():
        try:
            conn, _ = server.accept()
        except OSError:
            continue
        seen.append(b"connection")
        conn.close()


@pytest.fixture(scope="module")
def attacked(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """Grade every attack once, in one class, with its controls; record the world around it."""
    if not SANDBOXED:
        pytest.skip("no sandbox here: attack notebooks are never graded unconfined")
    base = tmp_path_factory.mktemp("attack")
    run_tmp = base / f"course-utils-attack-{os.getpid()}"
    run_tmp.mkdir()
    klass = base / "class"
    groups = layout(klass)
    out = base / "report" / "grades.csv"
    compileall.compile_dir(ROOT / "course_utils", quiet=1)  # the grader's own imports write nothing new
    before = {
        "package": tree_hash(ROOT / "course_utils"),
        "solutions": tree_hash(ROOT / "solutions"),
        "class": tree_hash(klass),
        "startup": startup_files(),
    }
    sentinel = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", "attack-sentinel"])
    server = socket.create_server(("127.0.0.1", 0))
    if os.path.exists(UNIX_LISTENER):
        os.unlink(UNIX_LISTENER)
    unix_server = socket.socket(socket.AF_UNIX)
    unix_server.bind(UNIX_LISTENER)
    unix_server.listen()
    connections: list[bytes] = []
    stop = threading.Event()
    for listening in (server, unix_server):
        threading.Thread(target=count_connections, args=(listening, connections, stop), daemon=True).start()
    marker = str(run_tmp)
    env = dict(os.environ, TMPDIR=marker, ATTACK_RUN=marker)
    # the grader runs from the class's folder: the checkout (course_tools is not installed) and
    # the marker (which names every process of the run) on its path
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", ""), marker) if p)
    started = time.monotonic()
    running = 0  # the most processes of the run seen at once while it runs: the detector works
    try:
        grader = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "course_tools.grader",
                str(klass),
                "--out",
                str(out),
                "-j",
                "2",
                "--timeout",
                "10",
                "-q",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=env,
            cwd=base,
        )
        while grader.poll() is None and time.monotonic() - started < 600:
            running = max(running, len(processes_with(marker.encode())))
            time.sleep(1)
        stdout, stderr = grader.communicate(timeout=60)
        proc = subprocess.CompletedProcess(grader.args, grader.returncode, stdout, stderr)
        seconds = time.monotonic() - started
        gradebook = tree_hash(out.parent)
        time.sleep(3)  # a daemon that outlived the run would strike now
        left = processes_with(marker.encode())
        sentinel_alive = sentinel.poll() is None
    finally:
        stop.set()
        server.close()
        unix_server.close()
        os.unlink(UNIX_LISTENER)
        sentinel.kill()
        sentinel.wait()
    after = {
        "package": tree_hash(ROOT / "course_utils"),
        "solutions": tree_hash(ROOT / "solutions"),
        "class": tree_hash(klass),
        "startup": startup_files(),
    }
    rows = read_csv(out) if out.exists() else []
    by: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by.setdefault(row["submission"], []).append(row)
    return SimpleNamespace(
        proc=proc,
        seconds=seconds,
        groups=groups,
        by=by,
        klass=klass,
        before=before,
        after=after,
        gradebook=gradebook,
        gradebook_later=tree_hash(out.parent),
        left=left,
        running=running,
        sentinel_alive=sentinel_alive,
        connections=connections,
    )


def points(attacked: SimpleNamespace, name: str) -> float:
    return sum(float(row["points"]) for row in attacked.by[name])


def verdicts(attacked: SimpleNamespace, name: str) -> list[tuple[str, str, str]]:
    return [(r["exercise"], r["status"], r["points"]) for r in attacked.by[name]]


@sandbox_only
@pytest.mark.parametrize("attack", SYSTEM_ATTACKS + JUDGE_ATTACKS)
def test_the_attack_gains_nothing(attacked: SimpleNamespace, attack: str) -> None:
    """Does the attack score exactly what its wrong answers earn on their own?"""
    members = attacked.groups[attack]
    lesson = LESSON_OF.get(attack, "01")
    exercises = [e.id for e in exercises_for_lesson(lesson)]
    assert [r["exercise"] for r in attacked.by[members[attack]]] == exercises

    def scores(name: str) -> list[tuple[str, str, str]]:
        return [(r["exercise"], r["status"], r["points"]) for r in attacked.by[name]]

    # exercise by exercise, the attack earns what the same wrong answers earn alone (some of
    # them partial credit), and that is less than full marks. A notebook that fills its own
    # disk leaves the grader no room to pass arguments: it may lose even those points.
    attack_scores, alone = scores(members[attack]), scores(members["wrong"])
    if attack in SELF_HARMING:
        assert [e for e, _, _ in attack_scores] == [e for e, _, _ in alone]
        assert all(float(p) <= float(q) for (_, _, p), (_, _, q) in zip(attack_scores, alone, strict=True))
    else:
        assert attack_scores == alone, verdicts(attacked, members[attack])
    full = sum(e.points for e in exercises_for_lesson(lesson))
    assert points(attacked, members[attack]) < full


@sandbox_only
@pytest.mark.parametrize("attack", SYSTEM_ATTACKS + JUDGE_ATTACKS)
def test_the_controls_around_the_attack_are_graded_as_alone(attacked: SimpleNamespace, attack: str) -> None:
    """Do the honest right control before the attack and the honest wrong one after it keep their grades?"""
    members = attacked.groups[attack]
    lesson = LESSON_OF.get(attack, "01")
    right = attacked.by[members["right"]]
    assert {r["status"] for r in right} == {"passed"}, right
    assert points(attacked, members["right"]) == sum(e.points for e in exercises_for_lesson(lesson))
    # every honest wrong control of the lesson got the same rows, as it does alone
    wrongs = {m["wrong"] for a, m in attacked.groups.items() if LESSON_OF.get(a, "01") == lesson}

    def rows(name: str) -> list[tuple[str, str, str, str]]:
        return [(r["exercise"], r["status"], r["points"], r["message"]) for r in attacked.by[name]]

    for name in wrongs:
        assert rows(name) == rows(members["wrong"])
    assert {r["status"] for r in attacked.by[members["wrong"]]} <= {"failed", "not_attempted"}


@sandbox_only
def test_the_gradebook_is_complete_and_unchanged_after_the_grader_exits(attacked: SimpleNamespace) -> None:
    """Is every submission in the gradebook and the feedback, and still so 3 s after the grader exited?"""
    assert attacked.proc.returncode == 0, attacked.proc.stderr[-2000:]
    names = {name for members in attacked.groups.values() for name in members.values()}
    assert set(attacked.by) == names
    for suffix in (".md", ".html"):
        feedback = [k for k in attacked.gradebook if k.startswith("feedback/") and k.endswith(suffix)]
        assert len(feedback) == len(names), suffix
    assert attacked.gradebook_later == attacked.gradebook


@sandbox_only
def test_the_checkout_and_the_class_folder_are_unchanged(attacked: SimpleNamespace) -> None:
    """Are course_utils/, solutions/ and every submission byte-identical, and no start-up file planted?"""
    for part in ("package", "solutions", "class", "startup"):
        assert attacked.after[part] == attacked.before[part], part


@sandbox_only
def test_no_process_of_the_run_is_left(attacked: SimpleNamespace) -> None:
    """Did every kernel, daemon and forked child die with the run?"""
    assert attacked.running >= 3  # the grader, a worker, a sandbox: the run's processes are found
    assert attacked.left == []


@sandbox_only
def test_nothing_outside_the_sandbox_was_reached(attacked: SimpleNamespace) -> None:
    """Is the sentinel process alive, and did nobody connect to the TCP port or the Unix socket listening?"""
    assert attacked.sentinel_alive
    assert attacked.connections == []


def test_the_grader_refuses_to_run_unsandboxed_without_being_told(tmp_path: Path) -> None:
    """Without bubblewrap, does the command exit 2 before grading, saying why and what to do?"""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    env = dict(os.environ, PATH=str(bin_dir))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "course_tools.grader",
            str(FILES / "honest.ipynb"),
            "--out",
            str(tmp_path / "g.csv"),
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        env=env,
    )
    assert proc.returncode == 2
    assert "cannot be sandboxed" in proc.stderr and "--no-sandbox" in proc.stderr
    assert not (tmp_path / "g.csv").exists() or (tmp_path / "g.csv").read_text() == ""


def test_the_answer_key_attack_is_real_without_the_stub(tmp_path: Path) -> None:
    """Is read-the-answer-key a real threat: unconfined (the kernel sees the real graders), does it win?"""
    klass = tmp_path / "class"
    for name, source in (("attack", ATTACKS / "read-the-answer-key.ipynb"), ("wrong", CONTROLS["01"][1])):
        (klass / name).mkdir(parents=True)
        shutil.copy(source, klass / name / f"{name}.ipynb")
    out = tmp_path / "g.csv"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "course_tools.grader",
            str(klass),
            "--out",
            str(out),
            "-j",
            "1",
            "--no-sandbox",
            "--seed",
            "3",
            "-q",
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = read_csv(out)
    scores = {
        n: sum(float(r["points"]) for r in rows if r["submission"].startswith(n)) for n in ("attack", "wrong")
    }
    assert scores["attack"] >= scores["wrong"] + 3, scores
