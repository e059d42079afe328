#!/usr/bin/env python3
"""Asks dstack's own code about a batch of configurations (for test_dstack_parity).

    oracle_parity.py ORACLE_DIR IN.json OUT.json

IN is [{"file": path, "body": <runs/get_plan body Gantry would send, or null>}, ...].
OUT is one object per file: {"file", "yaml_type" (the `type:` as YAML reads it, or null),
"accepted", "errors" (dstack's own, when refused), "body_errors" ([] when the schema accepts
the body, null when there was no body)}. One process for all files: importing dstack's
models takes a second or two.
"""
import json
import sys

import yaml


def main(oracle_dir, in_path, out_path):
    sys.path.insert(0, oracle_dir)
    import dstack_oracle

    with open(in_path, encoding="utf-8") as f:
        cases = json.load(f)
    out = []
    for case in cases:
        with open(case["file"], encoding="utf-8", errors="replace") as f:
            text = f.read()
        try:
            data = yaml.safe_load(text)
            yaml_type = data.get("type") if isinstance(data, dict) else None
        except yaml.YAMLError:
            yaml_type = None
        accepted, errors, _ = dstack_oracle.parse_config(text)
        body_errors = None
        if case.get("body") is not None:
            body_errors = dstack_oracle.check_request("runs/get_plan", case["body"])
        out.append({"file": case["file"], "yaml_type": yaml_type if isinstance(yaml_type, str) else None,
                    "accepted": accepted, "errors": errors, "body_errors": body_errors})
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(out, f)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
