"""What the tests, benchmarks and screenshots share, and the wheel does not ship.

- `paths`: the repository and the real corpus (`KB_CORPUS` to move it);
- `project`: a throw-away KB project (the shipped KB plus extra categories) and its build;
- `big_policy`: the shipped policy with many extra decision-table inputs and planted problems;
- `server`: the one HTTP server of the tests: a folder of static files on 127.0.0.1, with
  optional handlers for POSTed JSON (a fake desk, a feedback endpoint).
"""
