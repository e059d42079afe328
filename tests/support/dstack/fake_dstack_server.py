#!/usr/bin/env python3
"""A fake dstack server for Gantry's tests (127.0.0.1), judged by dstack's own code.

Every request body is validated with dstack 0.21.2's own request schemas through
`dstack_oracle.check_request` (../shared/oracles/dstack): a body the real server's schema
refuses gets the same FastAPI 422 `{"detail": [...]}`. Every answer is built from dstack's
own pydantic models (`Run`, `RunPlan`, `Fleet`, `JobSubmissionLogs`, `JobMetrics`, `Event`,
`model_dump(mode="json")`), so it carries what a real server sends (`home_dir`, server
defaults, job submissions), not what the client expects. What the schema cannot know is
modelled here as the server does it: 403 token, 404 project, 400 resource_not_exists, run
name rules, "Cannot override active run", updates in place of an active run.

    fake_dstack_server.py --oracle DIR [--port N] [--token T] [--project P]... [--upstream URL] [--state FILE]

Needs a python3 with pydantic >= 2.12 and PyYAML (the oracle's). Prints the bound port on
the first line of stdout. `--upstream` is where the service proxy
(/proxy/services/<project>/<run>/...) forwards to (the real llama-server in tests). `--state`
keeps the runs across a restart (tests kill the server mid-run and start it again).

Test hooks (never part of dstack's API) live under /__test__/:
  GET  /__test__/last_request?path=/api/...  → {"body": ..., "headers": {...}} of the last such request
  GET  /__test__/requests                    → every API request so far: [{"path", "endpoint", "body", "errors"}]
  POST /__test__/fail_next {"status": 500, "body": "...", "json": {...}, "delay": s, "path_contains": "..."}
  POST /__test__/fleets {"has_fleets": false}
  POST /__test__/timing {"provisioning_after": s, "running_after": s, "ready_after": s, "stop_after": s}
  POST /__test__/external_run {"name": "...", "status": "running"}   a run started elsewhere
  POST /__test__/server_version {"version": "0.21.1"}    what server/get_info answers
  GET  /__test__/expected_logs?run=NAME      → {"stdout": text, "stderr": text, "runner": text}
"""

import base64
import datetime as dt
import http.client
import http.server
import json
import os
import re
import sys
import threading
import time
import urllib.parse
import uuid

SERVER_VERSION = "0.21.2"
USER = "alice"

LOCK = threading.RLock()
STATE = {
    "runs": {},           # project → {name → run record}
    "has_fleets": True,
    "timing": {"provisioning_after": 0.4, "running_after": 0.8, "ready_after": 1.2, "stop_after": 0.4},
}
LAST_REQUESTS = {}
REQUEST_LOG = []  # every body the oracle judged, for the flow tests
FAIL_NEXT = []
CONFIG = {"token": "test-token", "projects": ["main"], "upstream": None, "state": None}

LOG_PAGE = 25  # events per logs/poll answer: forces next_token paging


# ---------------------------------------------------------------------------------------------
# Formatting helpers

def iso(t):
    """dstack's datetime text: UTC, 'Z', fractional seconds only when non-zero."""
    d = dt.datetime.fromtimestamp(t, dt.timezone.utc)
    if d.microsecond:
        return d.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return d.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text):
    text = text.replace("Z", "+00:00")
    return dt.datetime.fromisoformat(text).timestamp()


def save_state():
    if CONFIG["state"]:
        tmp = CONFIG["state"] + ".tmp"
        with open(tmp, "w") as f:
            json.dump({"runs": STATE["runs"], "has_fleets": STATE["has_fleets"]}, f)
        os.replace(tmp, CONFIG["state"])


def load_state():
    if CONFIG["state"] and os.path.exists(CONFIG["state"]):
        with open(CONFIG["state"]) as f:
            saved = json.load(f)
        STATE["runs"] = saved.get("runs", {})
        STATE["has_fleets"] = saved.get("has_fleets", True)


class ApiError(Exception):
    def __init__(self, status, body):
        super().__init__(status)
        self.status = status
        self.body = body


def error_400(msg, code="error"):
    return ApiError(400, {"detail": [{"msg": msg, "code": code}]})


DSTACK = {}  # dstack's oracle and response models, loaded in main() from --oracle


def load_dstack(oracle_dir):
    sys.path.insert(0, oracle_dir)
    import dstack_oracle
    from dstack._internal.core.models.events import Event
    from dstack._internal.core.models.fleets import Fleet
    from dstack._internal.core.models.logs import JobSubmissionLogs
    from dstack._internal.core.models.metrics import JobMetrics
    from dstack._internal.core.models.runs import Run, RunPlan, RunSpec
    DSTACK.update(oracle=dstack_oracle, Event=Event, Fleet=Fleet, JobSubmissionLogs=JobSubmissionLogs,
                  JobMetrics=JobMetrics, Run=Run, RunPlan=RunPlan, RunSpec=RunSpec)


ROOT_ENDPOINTS = {"/api/runs/list": "runs/list", "/api/events/list": "events/list",
                  "/api/fleets/list": "fleets/list(root)", "/api/instances/list": "instances/list"}


def endpoint_of(path):
    """The oracle's name for an API path (None for endpoints without a request schema)."""
    if path in ROOT_ENDPOINTS:
        return ROOT_ENDPOINTS[path]
    m = re.match(r"^/api/project/[^/]+/(.+)$", path)
    if m and m.group(1) in DSTACK["oracle"].ENDPOINTS:
        return m.group(1)
    return None


def validate(entry, body):
    """dstack's own request schema for the request: 422 with FastAPI's detail when it refuses.
    Runs before anything else the server does (as FastAPI validates the body first)."""
    endpoint = endpoint_of(entry["path"])
    if endpoint is None or entry["method"] != "POST":
        return
    if body is None:
        errors = [{"type": "missing", "loc": ["body"], "msg": "Field required", "input": None}]
    else:
        errors = DSTACK["oracle"].check_request(endpoint, body)
    entry["endpoint"], entry["errors"] = endpoint, errors
    if errors:
        raise ApiError(422, {"detail": errors})


def dump(model, data):
    """An answer as dstack's model dumps it (raises when the fake builds a wrong shape: a bug here)."""
    return DSTACK[model].model_validate(data).model_dump(mode="json")


# ---------------------------------------------------------------------------------------------
# The offer catalogue: deterministic, several backends and regions, spot and on-demand.

GPU_TYPES = [
    # name, memory MiB, vendor
    ("T4", 16384, "nvidia"), ("L4", 24576, "nvidia"), ("A10G", 24576, "nvidia"),
    ("RTX4090", 24576, "nvidia"), ("A100", 40960, "nvidia"), ("A100", 81920, "nvidia"),
    ("H100", 81920, "nvidia"), ("L40S", 46080, "nvidia"),
]

CATALOGUE_SPEC = [
    # backend, regions, instance types: (name, cpus, mem GiB, gpu index or None, gpu count, base price), spot?
    ("aws", ["us-east-1", "us-west-2", "eu-west-1"], [
        ("c5.xlarge", 4, 8, None, 0, 0.17), ("m5.2xlarge", 8, 32, None, 0, 0.384),
        ("g4dn.xlarge", 4, 16, 0, 1, 0.526), ("g5.xlarge", 4, 16, 2, 1, 1.006),
        ("g5.12xlarge", 48, 192, 2, 4, 5.672), ("g6.xlarge", 4, 16, 1, 1, 0.805),
        ("p4d.24xlarge", 96, 1152, 4, 8, 32.77), ("p5.48xlarge", 192, 2048, 6, 8, 98.32)], True),
    ("gcp", ["us-central1", "europe-west4", "asia-east1"], [
        ("e2-standard-4", 4, 16, None, 0, 0.134), ("n1-standard-4-t4", 4, 15, 0, 1, 0.54),
        ("g2-standard-4", 4, 16, 1, 1, 0.7068), ("g2-standard-24", 24, 96, 1, 2, 2.0),
        ("a2-highgpu-1g", 12, 85, 4, 1, 3.67), ("a3-highgpu-8g", 208, 1872, 6, 8, 88.25)], True),
    ("azure", ["eastus", "westeurope"], [
        ("Standard_D4s_v5", 4, 16, None, 0, 0.192), ("Standard_NC4as_T4_v3", 4, 28, 0, 1, 0.526),
        ("Standard_NV36ads_A10_v5", 36, 440, 2, 1, 3.2), ("Standard_NC24ads_A100_v4", 24, 220, 5, 1, 3.673),
        ("Standard_ND96isr_H100_v5", 96, 1900, 6, 8, 98.32)], True),
    ("runpod", ["EU-RO-1", "US-KS-2", "CA-MTL-1"], [
        ("NVIDIA GeForce RTX 4090", 6, 41, 3, 1, 0.69), ("NVIDIA A100 80GB PCIe", 8, 117, 5, 1, 1.64),
        ("NVIDIA H100 80GB HBM3", 16, 251, 6, 1, 2.99), ("NVIDIA L40S", 12, 62, 7, 1, 0.86)], True),
    ("lambda", ["us-east-1", "us-west-1", "europe-central-1"], [
        ("gpu_1x_a10", 30, 200, 2, 1, 0.75), ("gpu_1x_a100_sxm4", 30, 200, 5, 1, 1.29),
        ("gpu_1x_h100_pcie", 26, 200, 6, 1, 2.49), ("gpu_8x_h100_sxm5", 208, 1800, 6, 8, 23.92)], False),
    ("vastai", ["us-texas", "eu-norway", "asia-japan"], [
        ("rtx4090-1", 16, 64, 3, 1, 0.35), ("a100-80-1", 32, 128, 5, 1, 1.1),
        ("h100-1", 24, 192, 6, 1, 1.99), ("2x-rtx4090", 32, 128, 3, 2, 0.72)], False),
    ("datacrunch", ["FIN-01", "ICE-01"], [
        ("1A100.22V", 22, 120, 5, 1, 1.29), ("1H100.80S.30V", 30, 120, 6, 1, 2.19),
        ("CPU.4V.16G", 4, 16, None, 0, 0.08)], True),
]

UNAVAILABLE = ["not_available", "no_quota", "no_balance"]


def build_catalogue():
    offers = []
    n = 0
    for backend, regions, types, has_spot in CATALOGUE_SPEC:
        for r_index, region in enumerate(regions):
            for name, cpus, mem_gib, gpu_index, gpu_count, base in types:
                gpus = []
                if gpu_index is not None:
                    g = GPU_TYPES[gpu_index]
                    gpus = [{"name": g[0], "memory_mib": g[1], "vendor": g[2]} for _ in range(gpu_count)]
                factor = 1.0 + 0.07 * r_index
                variants = [(False, round(base * factor, 4))]
                if has_spot:
                    variants.append((True, round(base * factor * 0.31, 4)))
                for spot, price in variants:
                    n += 1
                    availability = "available"
                    if n % 11 == 0:
                        availability = UNAVAILABLE[(n // 11) % 3]
                    zones = [region + "-a", region + "-b"] if backend in ("aws", "gcp", "azure") else None
                    offers.append({
                        "backend": backend,
                        "region": region,
                        "instance": {
                            "name": name,
                            "resources": {
                                "cpus": cpus, "memory_mib": mem_gib * 1024, "gpus": gpus, "spot": spot,
                                "disk": {"size_mib": 102400}, "cpu_arch": "x86", "description": "",
                            },
                        },
                        "price": price,
                        "backend_data": {},
                        "availability": availability,
                        "availability_zones": zones,
                        "instance_runtime": "shim" if backend in ("aws", "gcp", "azure", "lambda", "datacrunch") else "runner",
                        "blocks": 1,
                        "total_blocks": 1,
                    })
    return offers


CATALOGUE = build_catalogue()


def lower_list(value):
    if value is None:
        return None
    if isinstance(value, str):
        value = [value]
    return [str(v).lower() for v in value]


def matching_offers(configuration, profile):
    """All offers that satisfy the placement fields, ordered as dstack orders them (docs/reference/dstack-api.md#services-and-their-models)."""
    def field(name):
        v = configuration.get(name)
        if v is None and isinstance(profile, dict):
            v = profile.get(name)
        return v

    backends = lower_list(field("backends"))
    regions = lower_list(field("regions"))
    types = lower_list(field("instance_types"))
    spot_policy = field("spot_policy") or "on-demand"
    max_price = field("max_price")
    gpu = (configuration.get("resources") or {}).get("gpu")
    gpu_min = 0
    gpu_mem_min = None
    gpu_names = None
    if isinstance(gpu, dict):
        count = gpu.get("count")
        if isinstance(count, dict):
            gpu_min = count.get("min") or 0
        elif isinstance(count, int):
            gpu_min = count
        else:
            gpu_min = 1
        mem = gpu.get("memory")
        if isinstance(mem, dict) and mem.get("min") is not None:
            gpu_mem_min = float(mem["min"])
        if gpu.get("name"):
            gpu_names = lower_list(gpu["name"])
    elif isinstance(gpu, int):
        gpu_min = gpu
    result = []
    for offer in CATALOGUE:
        res = offer["instance"]["resources"]
        if backends is not None and offer["backend"] not in backends:
            continue
        if regions is not None and offer["region"].lower() not in regions:
            continue
        if types is not None and offer["instance"]["name"].lower() not in types:
            continue
        if spot_policy == "spot" and not res["spot"]:
            continue
        if spot_policy == "on-demand" and res["spot"]:
            continue
        if max_price is not None and offer["price"] > float(max_price):
            continue
        if len(res["gpus"]) < gpu_min:
            continue
        if gpu_mem_min is not None and res["gpus"] and res["gpus"][0]["memory_mib"] / 1024 < gpu_mem_min:
            continue
        if gpu_names is not None and (not res["gpus"] or res["gpus"][0]["name"].lower() not in gpu_names):
            continue
        result.append(offer)
    result.sort(key=lambda o: o["price"])  # stable: catalogue order breaks ties
    available = [o for o in result if o["availability"] in ("available", "unknown", "idle")]
    unavailable = [o for o in result if o["availability"] not in ("available", "unknown", "idle")]
    return available + unavailable


# ---------------------------------------------------------------------------------------------
# What the server checks after the schema

NAME_RE = re.compile(r"^[a-z][a-z0-9-]{1,40}$")


def server_run_spec(run_spec):
    """The run_spec as the server reads it: dstack's RunSpec with its defaults, plus its own name rule."""
    spec = dump("RunSpec", run_spec)
    name = spec.get("run_name") or spec["configuration"].get("name")
    if name is not None and not NAME_RE.match(name):
        raise error_400(f"Run name '{name}' is invalid: must match ^[a-z][a-z0-9-]{{1,40}}$")
    return spec


# ---------------------------------------------------------------------------------------------
# Runs

ADJECTIVES = ["brave", "calm", "eager", "gentle", "jolly", "quick", "wise"]
ANIMALS = ["otter", "panda", "heron", "lynx", "moose", "wren"]


def port_of(conf):
    port = conf.get("port")
    if isinstance(port, int):
        return port
    if isinstance(port, str) and ":" in port:
        return int(port.split(":")[1])
    if isinstance(port, str):
        return int(port)
    if isinstance(port, dict):
        return port.get("container_port")
    return None


def model_of(conf):
    model = conf.get("model")
    if model is None:
        return None
    if isinstance(model, str):
        return {"type": "chat", "name": model, "format": "openai", "prefix": "/v1"}
    out = {"type": model.get("type", "chat"), "name": model.get("name"), "format": model.get("format", "openai")}
    if out["format"] == "openai":
        out["prefix"] = model.get("prefix", "/v1")
    return out


def nz(value, default):
    return default if value is None else value


def probes_of(conf):
    """The job's probe specs: the configured ones, else the default openai probe (as the server)."""
    probes = conf.get("probes")
    model = model_of(conf)
    if probes is None:
        if model and model["format"] == "openai":
            body = json.dumps({"model": model["name"], "messages": [{"role": "user", "content": "hi"}], "max_tokens": 1})
            return [{"type": "http", "url": model["prefix"] + "/chat/completions", "method": "post",
                     "headers": [{"name": "Content-Type", "value": "application/json"}], "body": body,
                     "timeout": 30, "interval": 15, "ready_after": 1, "until_ready": False}]
        return []
    out = []
    for p in probes:
        out.append({"type": "http", "url": nz(p.get("url"), "/"), "method": nz(p.get("method"), "get"),
                    "headers": nz(p.get("headers"), []), "body": p.get("body"), "timeout": nz(p.get("timeout"), 10),
                    "interval": nz(p.get("interval"), 15), "ready_after": nz(p.get("ready_after"), 1),
                    "until_ready": nz(p.get("until_ready"), False)})
    return out


def log_script():
    """What the 'process' writes: stdout with multibyte text, a little stderr."""
    out = ["llama-server starting", "model loaded: tiny.gguf — größe 9 MB ✓", "日本語のログ行 and emoji 🚀 here"]
    for i in range(60):
        out.append(f"slot {i:02d}: processing request … ü{'é' * (i % 5)}")
    out.append("server is listening on http://0.0.0.0:8000")
    err = ["warning: no GPU found, using CPU — ok", "ñ stderr line two"]
    return ("\n".join(out) + "\n").encode(), ("\n".join(err) + "\n").encode()


def runner_script():
    """The runner's diagnostic log (logs/poll with diagnose: true): what happened before the job ran."""
    lines = ["shim: pulling image ghcr.io/ggml-org/llama.cpp:server", "shim: image pulled (412 MB)",
             "runner: starting on port 10999", "runner: job submitted, working dir /workflow",
             "executor: starting the job's commands"]
    return ("\n".join(lines) + "\n").encode()


def chunk_bytes(data, sizes):
    chunks, i, k = [], 0, 0
    while i < len(data):
        n = sizes[k % len(sizes)]
        chunks.append(data[i:i + n])
        i += n
        k += 1
    return chunks


def unique_ms(events):
    events.sort(key=lambda e: e["t"])
    for e in events:  # millisecond resolution, unique (as the runner does)
        e["t"] = round(e["t"], 3)
    seen = set()
    for e in events:
        while e["t"] in seen:
            e["t"] = round(e["t"] + 0.001, 3)
        seen.add(e["t"])
    return events


def new_run(project, name, run_spec, offer):
    now = time.time()
    record = {
        "id": str(uuid.uuid4()),
        "project": project,
        "name": name,
        "run_spec": run_spec,
        "submitted": now,
        "submission_id": str(uuid.uuid4()),
        "job_id": str(uuid.uuid4()),
        "offer": offer,
        "deployment_num": 0,
        "stop_requested": None,   # time of runs/stop
        "abort": False,
        "final": None,            # forced status for external runs
    }
    stdout, stderr = log_script()
    events = []
    base = now + STATE["timing"]["running_after"]
    for k, chunk in enumerate(chunk_bytes(stdout, [7, 13, 3, 29, 5, 1, 2, 41])):
        events.append({"t": base + k * 0.003, "source": "stdout", "data": base64.b64encode(chunk).decode()})
    for k, chunk in enumerate(chunk_bytes(stderr, [5, 1, 11])):
        events.append({"t": base + 0.0015 + k * 0.003, "source": "stderr", "data": base64.b64encode(chunk).decode()})
    record["logs"] = unique_ms(events)
    start = now + STATE["timing"]["provisioning_after"]
    record["runner_logs"] = unique_ms([{"t": start + k * 0.002, "source": "stdout", "data": base64.b64encode(c).decode()}
                                       for k, c in enumerate(chunk_bytes(runner_script(), [17, 40, 9]))])
    return record


def run_phase(record):
    """(run status, job status, status message, termination reason, job reason, finished time)."""
    now = time.time()
    t = STATE["timing"]
    if record.get("final"):
        return record["final"], record["final"], record["final"], None, None, None
    if record["offer"] is None:
        if now - record["submitted"] < t["provisioning_after"]:
            return "submitted", "submitted", "submitted", None, None, None
        return "failed", "failed", "no fleets", "job_failed", "failed_to_start_due_to_no_capacity", record["submitted"] + t["provisioning_after"]
    stop = record["stop_requested"]
    if stop is not None:
        reason = "aborted_by_user" if record["abort"] else "stopped_by_user"
        job_reason = "aborted_by_user" if record["abort"] else "terminated_by_user"
        message = "aborted" if record["abort"] else "stopped"
        if now - stop < t["stop_after"]:
            return "terminating", "terminating", "terminating", reason, job_reason, None
        return "terminated", "aborted" if record["abort"] else "terminated", message, reason, job_reason, stop + t["stop_after"]
    age = now - record["submitted"]
    if age < t["provisioning_after"]:
        return "submitted", "submitted", "submitted", None, None, None
    if age < t["running_after"]:
        return "provisioning", "provisioning", "provisioning", None, None, None
    return "running", "running", "running", None, None, None


def job_spec_of(name, conf):
    """A JobSpec as the server makes it from a configuration (the fields a client reads)."""
    resources = conf.get("resources") or {}
    spot_policy = conf.get("spot_policy")
    return {
        "replica_num": 0, "job_num": 0, "job_name": f"{name}-0-0", "jobs_per_replica": 1,
        "commands": ["/bin/sh", "-i", "-c", " && ".join(conf.get("commands") or [])],
        "env": {k: v for k, v in (conf.get("env") or {}).items() if isinstance(v, str)},
        "home_dir": "/root",
        "image_name": conf.get("image") or "dstackai/base:0.10-base-ubuntu24.04",
        "requirements": {"resources": resources, "max_price": conf.get("max_price"),
                         "spot": {"spot": True, "on-demand": False}.get(spot_policy), "reservation": None,
                         "multinode": False},
        "service_port": port_of(conf), "probes": probes_of(conf) if conf.get("type") == "service" else [],
    }


def run_json(record, include_jobs=True):
    status, job_status, message, reason, job_reason, finished = run_phase(record)
    conf = record["run_spec"]["configuration"]
    now = time.time()
    t = STATE["timing"]
    probes = probes_of(conf) if conf.get("type") == "service" else []
    streak = 0
    if status == "running":
        streak = max(0, int((now - record["submitted"] - t["ready_after"]) / 0.2) + 1) if now - record["submitted"] >= t["ready_after"] else 0
    offer = record["offer"]
    provisioning = None
    price = 0.0
    if offer is not None and status not in ("submitted",):
        price = offer["price"]
        provisioning = {
            "backend": offer["backend"], "instance_type": offer["instance"],
            "instance_id": f"{record['name']}-0-0-{record['id'][:6]}", "hostname": "127.0.0.1",
            "internal_ip": "127.0.0.1", "region": offer["region"],
            "availability_zone": (offer["availability_zones"] or [None])[0],
            "price": offer["price"], "username": "ubuntu", "ssh_port": 22, "dockerized": True,
        }
    end = finished if finished is not None else now
    cost = round(price * max(0.0, end - record["submitted"]) / 3600.0, 4) if provisioning else 0.0
    submission = {
        "id": record["submission_id"], "submission_num": 0, "deployment_num": record.get("deployment_num", 0),
        "submitted_at": iso(record["submitted"]), "last_processed_at": iso(now),
        "finished_at": iso(finished) if finished else None,
        "status": job_status, "status_message": message, "termination_reason": job_reason,
        "job_provisioning_data": provisioning,
        "job_runtime_data": {"network_mode": "host", "ports": {}, "volume_names": [], "offer": offer,
                             "working_dir": "/workflow", "username": "root"} if provisioning else None,
        "probes": [{"success_streak": streak} for _ in probes],
    }
    job = {"job_spec": job_spec_of(record["name"], conf), "job_submissions": [submission]}
    service = None
    if conf.get("type") == "service":
        p, n = record["project"], record["name"]
        model = model_of(conf)
        service = {"url": f"/proxy/services/{p}/{n}/", "model": None, "options": {}}
        if model:
            base = f"/proxy/services/{p}/{n}{model['prefix']}" if model["format"] == "openai" else f"/proxy/models/{p}/"
            service["model"] = {"name": model["name"], "base_url": base, "type": model["type"]}
            service["options"] = {"openai": {"model": model}}
    return dump("Run", {
        "id": record["id"], "project_name": record["project"], "user": USER,
        "fleet": {"id": "3c1b2a4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "name": "gpu-fleet"} if provisioning else None,
        "submitted_at": iso(record["submitted"]), "last_processed_at": iso(now),
        "status": status, "status_message": message, "termination_reason": reason,
        "run_spec": record["run_spec"],
        "jobs": [job] if include_jobs else [],
        "latest_job_submission": submission,
        "cost": cost, "service": service, "deployment_num": record.get("deployment_num", 0),
        "deleted": False,
    })


def is_final(record):
    return run_phase(record)[0] in ("terminated", "failed", "done")


def find_run(project, name):
    record = STATE["runs"].get(project, {}).get(name)
    if record is None:
        raise error_400(f"Run {name} not found", "resource_not_exists")
    return record


def ready(record):
    run = run_json(record)
    if run["status"] != "running":
        return False
    job = run["jobs"][0]
    probes = job["job_spec"]["probes"]
    streaks = job["job_submissions"][-1]["probes"]
    return all(s["success_streak"] >= p["ready_after"] for p, s in zip(probes, streaks))


# ---------------------------------------------------------------------------------------------
# Endpoints

def api_get_plan(project, body):
    spec = server_run_spec(body["run_spec"])
    conf = spec["configuration"]
    max_offers = body.get("max_offers") or 50
    offers = matching_offers(conf, spec.get("profile")) if STATE["has_fleets"] or body.get("for_offers_only") else []
    name = spec.get("run_name") or conf.get("name")
    existing = STATE["runs"].get(project, {}).get(name) if name else None
    current = run_json(existing) if existing else None
    effective = dict(spec, repo_id="none", repo_data={"repo_type": "virtual"}, ssh_key_pub="ssh-rsa AAAAB3Nza... dstack")
    return dump("RunPlan", {
        "project_name": project, "user": USER,
        "run_spec": spec, "effective_run_spec": effective,
        "job_plans": [{
            "job_spec": job_spec_of(name or "dry-run", conf),
            "offers": offers[:max_offers],
            "total_offers": len(offers),
            "max_price": max((o["price"] for o in offers), default=None),
        }],
        "current_resource": current,
        "action": "update" if existing and not is_final(existing) else "create",
    })


def api_apply(project, body):
    spec = server_run_spec(body["plan"]["run_spec"])
    conf = spec["configuration"]
    runs = STATE["runs"].setdefault(project, {})
    name = spec.get("run_name") or conf.get("name")
    current = body["plan"].get("current_resource")
    if name and name in runs and not is_final(runs[name]):
        record = runs[name]
        if current is None or current.get("id") != record["id"]:
            raise error_400("Cannot override active run. Stop the run first.")
        # An update in place: a new deployment of the same run (dstack's rolling deployment).
        record["run_spec"] = dict(spec, run_name=name)
        record["deployment_num"] = record.get("deployment_num", 0) + 1
        save_state()
        return run_json(record)
    if not name:
        for k in range(1000):
            candidate = f"{ADJECTIVES[k % len(ADJECTIVES)]}-{ANIMALS[k % len(ANIMALS)]}-1"
            if candidate not in runs:
                name = candidate
                break
    spec = dict(spec, run_name=name)
    offers = matching_offers(conf, spec.get("profile")) if STATE["has_fleets"] else []
    offer = next((o for o in offers if o["availability"] in ("available", "unknown", "idle")), None)
    runs[name] = new_run(project, name, spec, offer)
    save_state()
    return run_json(runs[name])


def api_runs_get(project, body):
    if body.get("run_name"):
        return run_json(find_run(project, body["run_name"]))
    if body.get("id"):
        for record in STATE["runs"].get(project, {}).values():
            if record["id"] == body["id"]:
                return run_json(record)
        raise error_400(f"Run {body['id']} not found", "resource_not_exists")
    raise error_400("run_name or id must be specified")


def api_runs_list(body):
    projects = [body["project_name"]] if body.get("project_name") else CONFIG["projects"]
    out = []
    for p in projects:
        for record in STATE["runs"].get(p, {}).values():
            if body.get("only_active") and is_final(record):
                continue
            out.append(run_json(record, body.get("include_jobs", True)))
    out.sort(key=lambda r: r["submitted_at"], reverse=not body.get("ascending", False))
    return out[: body.get("limit") or 100]


def api_stop(project, body):
    for name in body["runs_names"]:
        record = STATE["runs"].get(project, {}).get(name)
        if record is None or is_final(record):
            continue  # unknown names are silently ignored
        if record["stop_requested"] is None or body["abort"]:
            record["stop_requested"] = time.time()
            record["abort"] = body["abort"]
    save_state()
    return None


def api_logs_poll(project, body):
    limit = body.get("limit", 100)
    record = find_run(project, body["run_name"])
    if record["submission_id"] != body["job_submission_id"]:
        raise error_400(f"Job submission {body['job_submission_id']} not found", "resource_not_exists")
    now = time.time()
    source = record.get("runner_logs", []) if body.get("diagnose") else record["logs"]
    visible = [e for e in source if e["t"] <= now]
    if body.get("next_token"):
        start = int(body["next_token"])
    else:
        start = 0
        if body.get("start_time"):
            after = parse_iso(body["start_time"])
            while start < len(visible) and visible[start]["t"] <= after + 1e-7:
                start += 1
    page = visible[start:start + min(limit, LOG_PAGE)]
    nxt = start + len(page)
    return dump("JobSubmissionLogs", {
        "logs": [{"timestamp": iso(e["t"]), "log_source": e["source"], "message": e["data"]} for e in page],
        "external_url": None,
        "next_token": str(nxt) if nxt < len(visible) else None,
    })


def run_events(record):
    """The run's and its job's events as dstack 0.21.2 records them, oldest first (time, message, target)."""
    t = STATE["timing"]
    s = record["submitted"]
    run = {"type": "run", "project_name": record["project"], "id": record["id"], "name": record["name"]}
    job = {"type": "job", "project_name": record["project"], "id": record.get("job_id", record["id"]),
           "name": f"{record['name']}-0-0"}
    out = [(s, "Run submitted. Status: SUBMITTED", run), (s + 0.001, "Job created on run submission. Status: SUBMITTED", job)]
    if record["offer"] is None:
        out += [(s + t["provisioning_after"], "Job status changed SUBMITTED -> FAILED. Termination reason: FAILED_TO_START_DUE_TO_NO_CAPACITY (no fleets)", job),
                (s + t["provisioning_after"] + 0.001, "Run status changed SUBMITTED -> FAILED", run)]
    else:
        offer = record["offer"]
        out += [(s + t["provisioning_after"], f"Job status changed SUBMITTED -> PROVISIONING. Instance: {offer['instance']['name']} ({offer['backend']}, {offer['region']})", job),
                (s + t["provisioning_after"] + 0.001, "Run status changed SUBMITTED -> PROVISIONING", run),
                (s + (t["provisioning_after"] + t["running_after"]) / 2, "Job status changed PROVISIONING -> PULLING", job),
                (s + t["running_after"], "Job status changed PULLING -> RUNNING", job),
                (s + t["running_after"] + 0.001, "Run status changed PROVISIONING -> RUNNING", run)]
        if record["stop_requested"] is not None:
            st = record["stop_requested"]
            out += [(st, "Run status changed RUNNING -> TERMINATING", run),
                    (st + t["stop_after"], "Job status changed TERMINATING -> TERMINATED", job),
                    (st + t["stop_after"] + 0.001, "Run status changed TERMINATING -> TERMINATED", run)]
    return out


def api_events_list(body):
    runs = set(body.get("within_runs") or [])
    now = time.time()
    events = []
    for project in CONFIG["projects"]:
        for record in STATE["runs"].get(project, {}).values():
            if runs and record["id"] not in runs:
                continue
            for k, (at, message, target) in enumerate(run_events(record)):
                if at <= now:
                    events.append({"id": str(uuid.uuid5(uuid.UUID(record["id"]), str(k))), "message": message,
                                   "recorded_at": iso(at), "_t": at, "targets": [target]})
    events.sort(key=lambda e: (e["_t"], e["id"]), reverse=not body.get("ascending", False))
    if body.get("prev_id"):
        ids = [e["id"] for e in events]
        if body["prev_id"] in ids:
            events = events[ids.index(body["prev_id"]) + 1:]
    page = events[: body.get("limit") or 100]
    return [dump("Event", {k: v for k, v in e.items() if k != "_t"}) for e in page]


def api_metrics(project, run_name, query):
    record = find_run(project, run_name)
    status = run_phase(record)[0]
    if status not in ("running", "terminating") and not record.get("final"):
        return dump("JobMetrics", {"metrics": []})
    limit = int(query.get("limit", ["1"])[0])
    now = int(time.time())
    stamps = [now - 10 * k for k in range(max(limit, 1))][:limit]
    n = len(stamps)
    series = {
        "cpu_usage_percent": [230 - 10 * k for k in range(n)],
        "memory_usage_bytes": [9126805504] * n,
        "memory_working_set_bytes": [7516192768] * n,
        "cpus_detected_num": [4] * n,
        "memory_total_bytes": [17179869184] * n,
        "gpus_detected_num": [1] * n,
        "gpu_memory_total_bytes": [25769803776] * n,
        "gpu_memory_usage_bytes_gpu0": [21474836480] * n,
        "gpu_util_percent_gpu0": [87] * n,
    }
    if n < 2:
        return dump("JobMetrics", {"metrics": []})
    return dump("JobMetrics", {"metrics": [{"name": k, "timestamps": [iso(s) for s in stamps], "values": v} for k, v in series.items()]})


def api_get_my_user():
    return {"id": "8f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b", "username": USER, "created_at": "2026-01-10T09:00:00Z",
            "global_role": "user", "email": "alice@example.com", "active": True,
            "permissions": {"can_create_projects": True}, "ssh_public_key": "ssh-rsa AAAAB3Nza... dstack",
            "creds": {"token": CONFIG["token"]}, "ssh_private_key": "-----BEGIN OPENSSH PRIVATE KEY-----\n..."}


def api_fleets_list(project, body):
    if not STATE["has_fleets"]:
        return []
    return [dump("Fleet", {
        "id": "3c1b2a4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "name": "gpu-fleet", "project_name": project,
        "spec": {"configuration": {"type": "fleet", "name": "gpu-fleet", "nodes": {"min": 0, "max": 4}}, "profile": {}},
        "created_at": "2026-01-10T09:00:00Z", "status": "active", "status_message": None, "instances": []})]


# ---------------------------------------------------------------------------------------------
# HTTP plumbing

class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "uvicorn"
    sys_version = ""

    def log_message(self, fmt, *args):  # quiet: tests read stdout for the port only
        pass

    def send_json(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def send_text(self, status, text):
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def dispatch(self, method):
        url = urllib.parse.urlsplit(self.path)
        path = url.path
        raw = self.read_body()
        try:
            if path.startswith("/__test__/"):
                return self.test_hook(method, path, urllib.parse.parse_qs(url.query), raw)
            if path.startswith("/proxy/services/"):
                return self.proxy(method, path, url.query, raw)
            if path == "/healthcheck":
                return self.send_json(200, {"status": "running"})
            if not path.startswith("/api/"):
                return self.send_json(404, {"detail": "Not Found"})
            with LOCK:
                body = None
                if raw.strip():
                    try:
                        body = json.loads(raw)
                    except ValueError as e:
                        raise ApiError(422, {"detail": [{"type": "json_invalid", "loc": ["body", 0], "msg": f"JSON decode error: {e}", "input": {}}]})
                entry = {"path": path, "method": method, "body": body, "endpoint": None, "errors": None}
                REQUEST_LOG.append(entry)
                LAST_REQUESTS[path] = {
                    "method": method, "body": body,
                    "headers": {"x-api-version": self.headers.get("X-API-VERSION"),
                                "content-type": self.headers.get("Content-Type"),
                                "has_authorization": self.headers.get("Authorization") is not None},
                }
                validate(entry, body)
                fail = next((f for f in FAIL_NEXT if f.get("path_contains", "") in path), None)
                if fail is not None:
                    FAIL_NEXT.remove(fail)
            if fail is not None:
                if fail.get("delay"):
                    time.sleep(float(fail["delay"]))
                if fail.get("json") is not None:
                    return self.send_json(fail.get("status", 500), fail["json"])
                return self.send_text(fail.get("status", 500), fail.get("body", "Internal Server Error"))
            with LOCK:
                status, result = self.api(method, path, url.query, body)
            return self.send_json(status, result)
        except ApiError as e:
            return self.send_json(e.status, e.body)
        except (BrokenPipeError, ConnectionResetError):
            return None
        except Exception:  # a bug in this fake (e.g. an answer dstack's model refuses): say so loudly
            import traceback
            text = traceback.format_exc()
            sys.stderr.write(text)
            return self.send_text(500, "fake_dstack_server bug:\n" + text)

    def api(self, method, path, query, body):
        version = self.headers.get("X-API-VERSION")
        if version and version != "latest" and not version.startswith("0.0.0"):
            m = re.match(r"^(\d+)\.(\d+)\.(\d+)", version)
            if not m:
                raise ApiError(400, {"detail": [{"msg": f"Invalid version: {version}", "code": None}]})
            if (int(m.group(1)), int(m.group(2))) > (0, 21):
                raise error_400(f"The client/CLI version ({version}) is incompatible with the server version ({SERVER_VERSION}).")
        if path == "/api/server/get_info":
            if method != "POST":
                raise ApiError(405, {"detail": "Method Not Allowed"})
            return 200, {"server_version": STATE.get("server_version", SERVER_VERSION)}
        auth = self.headers.get("Authorization")
        if not auth or not auth.startswith("Bearer "):
            raise ApiError(403, {"detail": "Not authenticated"})
        if auth[len("Bearer "):] != CONFIG["token"]:
            raise ApiError(403, {"detail": {"msg": "Invalid token", "code": None}})
        if path == "/api/users/get_my_user" and method == "POST":
            return 200, api_get_my_user()
        if path == "/api/runs/list" and method == "POST":
            return 200, api_runs_list(body or {})
        if path == "/api/events/list" and method == "POST":
            return 200, api_events_list(body or {})
        m = re.match(r"^/api/project/([^/]+)/(.+)$", path)
        if not m:
            raise ApiError(404, {"detail": "Not Found"})
        project, rest = urllib.parse.unquote(m.group(1)), m.group(2)
        if project not in CONFIG["projects"]:
            raise ApiError(404, {"detail": {"msg": "Not found", "code": None}})
        mm = re.match(r"^metrics/job/([^/]+)$", rest)
        if mm:
            if method != "GET":
                raise ApiError(405, {"detail": "Method Not Allowed"})
            return 200, api_metrics(project, urllib.parse.unquote(mm.group(1)), urllib.parse.parse_qs(query))
        routes = {
            "runs/get_plan": lambda: api_get_plan(project, body),
            "runs/apply": lambda: api_apply(project, body),
            "runs/get": lambda: api_runs_get(project, body or {}),
            "runs/stop": lambda: api_stop(project, body),
            "logs/poll": lambda: api_logs_poll(project, body),
            "fleets/list": lambda: api_fleets_list(project, body or {}),
        }
        if rest not in routes:
            raise ApiError(404, {"detail": "Not Found"})
        if method != "POST":
            raise ApiError(405, {"detail": "Method Not Allowed"})
        return 200, routes[rest]()

    def test_hook(self, method, path, query, raw):
        body = json.loads(raw) if raw.strip() else {}
        with LOCK:
            if path == "/__test__/last_request":
                return self.send_json(200, LAST_REQUESTS.get(query.get("path", [""])[0]))
            if path == "/__test__/fail_next":
                FAIL_NEXT.append(body)
                return self.send_json(200, None)
            if path == "/__test__/fleets":
                STATE["has_fleets"] = bool(body.get("has_fleets", True))
                save_state()
                return self.send_json(200, None)
            if path == "/__test__/timing":
                STATE["timing"].update(body)
                return self.send_json(200, STATE["timing"])
            if path == "/__test__/external_run":
                project = body.get("project", CONFIG["projects"][0])
                conf = {"type": "service", "name": body["name"], "image": "ghcr.io/ggml-org/llama.cpp:server",
                        "port": 8000, "model": body.get("model", "tiny")}
                record = new_run(project, body["name"], server_run_spec({"run_name": body["name"], "configuration": conf}), CATALOGUE[0])
                record["submitted"] -= 60  # started a minute ago, elsewhere
                for event in record["logs"] + record["runner_logs"]:
                    event["t"] = round(event["t"] - 60, 3)
                STATE["runs"].setdefault(project, {})[body["name"]] = record
                save_state()
                return self.send_json(200, run_json(record))
            if path == "/__test__/expected_logs":
                stdout, stderr = log_script()
                return self.send_json(200, {"stdout": stdout.decode(), "stderr": stderr.decode(), "runner": runner_script().decode()})
            if path == "/__test__/server_version":
                STATE["server_version"] = body.get("version", SERVER_VERSION)
                return self.send_json(200, None)
            if path == "/__test__/requests":
                return self.send_json(200, REQUEST_LOG)
        return self.send_json(404, {"detail": "Not Found"})

    def proxy(self, method, path, query, raw):
        m = re.match(r"^/proxy/services/([^/]+)/([^/]+)(/.*)?$", path)
        if not m:
            return self.send_json(404, {"detail": "Not Found"})
        project, run, rest = m.group(1), m.group(2), m.group(3)
        if rest is None:
            self.send_response(308)
            self.send_header("Location", path + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        auth = self.headers.get("Authorization") or ""
        if project not in CONFIG["projects"] or auth != "Bearer " + CONFIG["token"]:
            return self.send_json(403, {"detail": f"Unauthenticated or unauthorized to access project {project}"})
        with LOCK:
            record = STATE["runs"].get(project, {}).get(run)
            up = record is not None and ready(record)
        if not up or not CONFIG["upstream"]:
            return self.send_json(404, {"detail": f"Service {project}/{run} not found"})
        target = urllib.parse.urlsplit(CONFIG["upstream"])
        conn = http.client.HTTPConnection(target.hostname, target.port, timeout=120)
        headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")}
        try:
            conn.request(method, rest + (("?" + query) if query else ""), body=raw or None, headers=headers)
            resp = conn.getresponse()
        except OSError as e:
            return self.send_text(502, f"Bad Gateway: {e}")
        self.send_response(resp.status)
        for key, value in resp.getheaders():
            if key.lower() not in ("transfer-encoding", "content-length", "connection", "server", "date"):
                self.send_header(key, value)
        self.send_header("Connection", "close")
        self.end_headers()
        while True:  # streaming passthrough: forward each piece as it arrives
            piece = resp.read1(65536)
            if not piece:
                break
            self.wfile.write(piece)
            self.wfile.flush()
        conn.close()
        return None


def main(argv):
    port = 0
    i = 0
    projects = []
    oracle = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "shared", "oracles", "dstack")
    while i < len(argv):
        arg = argv[i]
        if arg == "--port":
            port = int(argv[i + 1]); i += 2
        elif arg == "--token":
            CONFIG["token"] = argv[i + 1]; i += 2
        elif arg == "--project":
            projects.append(argv[i + 1]); i += 2
        elif arg == "--upstream":
            CONFIG["upstream"] = argv[i + 1]; i += 2
        elif arg == "--state":
            CONFIG["state"] = argv[i + 1]; i += 2
        elif arg == "--oracle":
            oracle = argv[i + 1]; i += 2
        elif arg.isdigit():
            port = int(arg); i += 1
        else:
            sys.stderr.write(f"unknown argument {arg}\n")
            return 2
    if projects:
        CONFIG["projects"] = projects
    load_dstack(os.path.abspath(oracle))
    load_state()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
