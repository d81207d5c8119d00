"""Would a standard-library process pool do as well as plancheck's own worker protocol?

``plancheck check -j 2`` hands its work to ``plancheck.workers``: worker processes keep the
plans they read, receive the few upper plans they lack, compare their own plans and send
findings back as packed tuples. This script times that against the straightforward designs,
each in a fresh process, alternating, several rounds (median, min, max wall seconds; peak RSS
of the largest process of the run, from ``wait4``):

* ``cli-j1`` / ``cli-j2``: ``python -m plancheck check plans --rules R --format json -j N``;
* ``pool-plans``: a ``ProcessPoolExecutor(2)`` maps ``pipeline.validate_file`` over chunks of
  files; plans and findings come back pickled; this process then compares every plan itself;
* ``pool-compare``: as ``pool-plans``, but the comparisons are mapped over the pool as well,
  each chunk of tasks sent with the lower and upper plans it needs;
* ``serial``: the same steps in this one process, no pool (where ``cli-j1``'s time goes).

Phases (``--variant`` prints them) are wall seconds of this process, but pickling, unpickling
and the workers' work are CPU seconds (``cpu``). The table's CPU seconds are user + system of
the whole process tree: the machine is shared and noisy, and CPU time shows how much work a
design adds even when the wall time is blurred.

The pool variants pickle their results explicitly (the work the pool would do anyway) so the
time spent pickling and unpickling can be reported; each writes the JSON report the CLI
writes, which must be byte-identical to ``cli-j1``'s (checked with ``cmp``).

    python benchmarks/pool.py --rounds 5      # after benchmarks/run.py has made corpus-100
"""

from __future__ import annotations

import time

START = time.perf_counter()

import argparse, gc, json, os, pickle, resource, statistics, subprocess, sys, tempfile  # noqa: E401,E402
from collections import defaultdict  # noqa: E402
from pathlib import Path  # noqa: E402

CHUNK = 64
"""Files (or comparison tasks) per pool task: neighbours share source texts and upper plans."""
VARIANTS = ("cli-j1", "cli-j2", "pool-plans", "pool-compare", "serial")
_catalog, _cache = None, {}  # a worker's catalogue and its own source cache
cpu = time.thread_time
"""Pickling, unpickling and each worker's work are timed in CPU seconds of the thread doing it:
wall time there would count the time a process waits for a core (three processes, two cores)."""


def _init(catalog) -> None:
    global _catalog
    _catalog = catalog
    gc.disable()  # as plancheck's workers do: nothing built here has reference cycles


def _validate_chunk(paths):
    from plancheck.pipeline import validate_file
    t0 = cpu()
    read = [validate_file(p, _catalog, _cache) for p in paths]
    t1 = cpu()
    data = pickle.dumps(read)
    return {"w_validate": t1 - t0, "w_pickle": cpu() - t1}, data


def _compare_chunk(blob):
    from plancheck.pipeline import task_findings
    t0 = cpu()
    tasks, plans = pickle.loads(blob)
    t1 = cpu()
    found = list(task_findings(tasks, plans, _catalog))
    t2 = cpu()
    data = pickle.dumps(found)
    return {"w_unpickle_plans": t1 - t0, "w_compare": t2 - t1, "w_pickle_found": cpu() - t2}, data


def run_pool(variant: str, rules: Path, out: Path) -> dict:
    """One pool run, in this process (cwd: the corpus); returns its phase timings."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from plancheck.catalog import load_catalog
    from plancheck.findings import sort_findings
    from plancheck.hierarchy import load_registry
    from plancheck.pipeline import bulk_work, discover, hierarchy_tasks, task_findings, validate_file
    from plancheck.policy import grade
    from plancheck.reporters.json import iter_findings

    t = defaultdict(float)
    clock = time.perf_counter
    with bulk_work():
        catalog, registry = load_catalog(rules), load_registry(rules)
        files, problems = discover([Path("plans")])
        t["startup"] = clock() - START
        t0 = clock()
        plans, findings = [], list(problems)
        if variant == "serial":
            _init(catalog)
            chunks = [({}, [validate_file(p, catalog, _cache) for p in files])]
        else:
            pool = ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork"),
                                       initializer=_init, initargs=(catalog,))
            chunks = pool.map(_validate_chunk, [files[i:i + CHUNK] for i in range(0, len(files), CHUNK)])
        for times, data in chunks:
            for k, v in times.items():
                t[k] += v
            if isinstance(data, bytes):
                t["bytes_plans"] += len(data)
                u0 = cpu()
                data = pickle.loads(data)
                t["p_unpickle_plans"] += cpu() - u0
            for plan, found in data:
                findings.extend(found)
                if plan is not None:
                    plans.append(plan)
        findings = sort_findings(findings)
        t["read"] = clock() - t0
        t0 = clock()
        tasks = hierarchy_tasks([p.header for p in plans], registry)
        if variant != "pool-compare":
            if variant != "serial":
                pool.shutdown()
            found = dict(task_findings(tasks, plans, catalog))
        else:
            found, futures = {}, []
            for i in range(0, len(tasks), CHUNK):
                chunk = tasks[i:i + CHUNK]
                needed = {x for task in chunk for x in (task.plan, task.upper) if x is not None}
                p0 = cpu()
                blob = pickle.dumps((chunk, {x: plans[x] for x in needed}))
                t["p_pickle_plans"] += cpu() - p0
                t["bytes_sent"] += len(blob)
                futures.append(pool.submit(_compare_chunk, blob))
            for future in futures:
                times, data = future.result()
                for k, v in times.items():
                    t[k] += v
                t["bytes_found"] += len(data)
                u0 = cpu()
                found.update(pickle.loads(data))
                t["p_unpickle_found"] += cpu() - u0
            pool.shutdown()
        t["compare"] = clock() - t0
        t0 = clock()
        findings = grade(sort_findings(findings + [f for task in tasks for f in found[task.plan]]))
        t["sort"] = clock() - t0
        t0 = clock()
        with open(out, "w", encoding="utf-8") as stream:
            stream.writelines(iter_findings(findings))
        t["write"] = clock() - t0
    t["parent_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t["workers_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    t["total"] = clock() - START
    return dict(t)


def measure(variant: str, corpus: Path, rules: Path, out: Path) -> tuple[float, float, float, dict]:
    """(wall seconds, CPU seconds, peak MB of the largest process, phase timings) of one fresh run."""
    if variant.startswith("cli"):
        command = [sys.executable, "-m", "plancheck", "check", "plans", "--rules", str(rules), "--format", "json",
                   "-j", variant[-1], "--output", str(out)]
    else:
        command = [sys.executable, __file__, "--variant", variant, "--rules", str(rules), "--out", str(out)]
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=corpus, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    stdout = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 1):
        raise SystemExit(f"{variant}: exit status {child.returncode}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, json.loads(stdout) if stdout.strip() else {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parent / "corpus-100",
                        help="a generated corpus (benchmarks/run.py makes corpus-100 on first use)")
    parser.add_argument("--rules", type=Path, default=Path(__file__).resolve().parent.parent / "rules")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--variant", help=argparse.SUPPRESS)  # internal: run one pool variant here
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "pool-bench")
    args = parser.parse_args()
    if args.variant:
        sys.stdout.write(json.dumps(run_pool(args.variant, args.rules.resolve(), args.out)) + "\n")
        sys.stdout.flush()
        os._exit(0)  # as the CLI does: no teardown of a few hundred MB of plans
    variants = args.variants.split(",")
    args.work.mkdir(parents=True, exist_ok=True)
    reference = args.work / "reference-cli-j1.json"
    print("uptime before:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    runs: dict[str, list[tuple[float, float, float, dict]]] = defaultdict(list)
    identical: dict[str, list[bool]] = defaultdict(list)
    for r in range(args.rounds):
        for variant in variants[r % len(variants):] + variants[:r % len(variants)]:  # rotate the order
            out = args.work / f"{variant}.json"
            runs[variant].append(measure(variant, args.corpus, args.rules.resolve(), out))
            seconds, cpu, mb, _ = runs[variant][-1]
            print(f"round {r + 1} {variant:13} {seconds:6.2f} s  cpu {cpu:6.2f} s {mb:5.0f} MB", flush=True)
            if variant == "cli-j1" and not reference.exists():
                out.rename(reference)
            elif reference.exists():
                identical[variant].append(subprocess.run(["cmp", "-s", str(reference), str(out)]).returncode == 0)
                out.unlink()
    print("uptime after: ", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    base = "cli-j2" if "cli-j2" in variants else variants[0]  # each round's runs were neighbours: compare in pairs
    print(f"\n| variant | median s | min s | max s | / {base} (median of rounds) | CPU s (median) "
          "| peak MB (largest process) | output = cli-j1 |")
    print("|---|---|---|---|---|---|---|---|")
    for variant in variants:
        secs, cpus, mbs = ([run[k] for run in runs[variant]] for k in range(3))
        ratio = statistics.median(s / run[0] for s, run in zip(secs, runs[base]))
        same = identical[variant]
        print(f"| {variant} | {statistics.median(secs):.2f} | {min(secs):.2f} | {max(secs):.2f} | {ratio:.2f} | "
              f"{statistics.median(cpus):.2f} | {statistics.median(mbs):.0f} | {'yes' if same and all(same) else 'NO' if same else 'reference'} "
              f"({sum(same)}/{len(same)}) |")
    for variant in variants:
        phases = [run[3] for run in runs[variant] if run[3]]
        if phases:
            print(f"\n{variant} phases, median of {len(phases)} runs (w_*: summed over both workers, "
                  "p_*: this process; bytes in MB):")
            for key in phases[0]:
                value = statistics.median(p.get(key, 0) for p in phases)
                print(f"  {key:18} {value / 2**20 if key.startswith('bytes') else value:9.2f}")


if __name__ == "__main__":
    main()
