"""Profile one page in-process with pyinstrument, signed in, under the current settings.

    DATABASE_URL=... python -m bench.profile /plans/plan-1/ [-n 20] [--htmx]

Run it with the benchmark's environment (production settings, the benchmark's
database) to see where a slow row of the table spends its time.
"""

import argparse

import django


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("-n", type=int, default=20, help="requests to profile")
    parser.add_argument("--htmx", action="store_true", help="send HX-Request: true")
    args = parser.parse_args()
    django.setup()
    from pyinstrument import Profiler

    from bench.prepare import signed_in_client

    client = signed_in_client()
    headers = {"HX-Request": "true"} if args.htmx else {}
    client.get(args.path, headers=headers)  # warm up: templates, connections
    profiler = Profiler(interval=0.0005)
    with profiler:
        for _ in range(args.n):
            response = client.get(args.path, headers=headers)
    print(f"{args.path}: status {response.status_code}, {len(response.content)} bytes")
    print(profiler.output_text(unicode=True, show_all=False))


if __name__ == "__main__":
    main()
