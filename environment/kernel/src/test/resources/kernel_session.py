#!/usr/bin/python3
"""Drives one kernel session through jupyter_client and reports what came back, as JSON.

Usage: kernel_session.py KERNEL_NAME REQUESTS.json RESULTS.json  (JUPYTER_PATH selects the kernelspec dir)

REQUESTS.json is a list of requests, run in order on one kernel:
  {"op": "execute", "code": "...", "interrupt_after": 2.0 (optional, seconds), "timeout": 60}
  {"op": "complete", "code": "...", "cursor": 7}
  {"op": "inspect", "code": "...", "cursor": 7}
  {"op": "is_complete", "code": "..."}
  {"op": "kernel_info"}
  {"op": "history", "hist_access_type": "tail", "n": 5, "output": false}  (other keys as jupyter_client's history())
Writes {"startup_seconds": s, "results": [...]} where each result has the "reply" content, the
iopub "outputs" ({"type", "content"}) the request caused, and "seconds" it took; for interrupted
executions also "interrupt_to_reply_seconds".
"""
import json
import sys
import time

from jupyter_client.manager import KernelManager


def collect_iopub(kc, msg_id, deadline):
    outputs = []
    while time.time() < deadline:
        try:
            msg = kc.get_iopub_msg(timeout=max(0.05, deadline - time.time()))
        except Exception:
            continue
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        if kind == "status":
            if msg["content"]["execution_state"] == "idle":
                return outputs
            continue
        outputs.append({"type": kind, "content": msg["content"]})
    raise TimeoutError("no idle status for request %s" % msg_id)


def wait_reply(kc, msg_id, deadline):
    while time.time() < deadline:
        try:
            reply = kc.get_shell_msg(timeout=max(0.05, deadline - time.time()))
        except Exception:
            continue
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply
    raise TimeoutError("no reply for request %s" % msg_id)


def main():
    kernel_name, requests_file, results_file = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(requests_file) as f:
        requests = json.load(f)
    km = KernelManager(kernel_name=kernel_name)
    started = time.time()
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    results = []
    try:
        kc.wait_for_ready(timeout=60)
        startup = time.time() - started
        for index, req in enumerate(requests):
            op = req["op"]
            timeout = req.get("timeout", 60)
            t0 = time.time()
            deadline = t0 + timeout
            result = {"op": op}
            try:
                if op == "execute":
                    msg_id = kc.execute(req["code"], allow_stdin=False)
                    if "interrupt_after" in req:
                        time.sleep(req["interrupt_after"])
                        t_int = time.time()
                        km.interrupt_kernel()
                        reply = wait_reply(kc, msg_id, deadline)
                        result["interrupt_to_reply_seconds"] = time.time() - t_int
                    else:
                        reply = wait_reply(kc, msg_id, deadline)
                    result["outputs"] = collect_iopub(kc, msg_id, deadline)
                elif op == "complete":
                    msg_id = kc.complete(req["code"], req.get("cursor"))
                    reply = wait_reply(kc, msg_id, deadline)
                elif op == "inspect":
                    msg_id = kc.inspect(req["code"], req.get("cursor"), detail_level=req.get("detail", 0))
                    reply = wait_reply(kc, msg_id, deadline)
                elif op == "is_complete":
                    msg_id = kc.is_complete(req["code"])
                    reply = wait_reply(kc, msg_id, deadline)
                elif op == "kernel_info":
                    msg_id = kc.kernel_info()
                    reply = wait_reply(kc, msg_id, deadline)
                elif op == "history":
                    options = {k: v for k, v in req.items() if k not in ("op", "timeout")}
                    msg_id = kc.history(**options)
                    reply = wait_reply(kc, msg_id, deadline)
                else:
                    raise ValueError("unknown op " + op)
            except TimeoutError as e:
                raise TimeoutError("request %d (%s %r): %s" % (index, op, req.get("code", "")[:80], e)) from None
            result["reply"] = reply["content"]
            result["seconds"] = time.time() - t0
            results.append(result)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    with open(results_file, "w") as f:
        json.dump({"startup_seconds": startup, "results": results}, f)


if __name__ == "__main__":
    main()
