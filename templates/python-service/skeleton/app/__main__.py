"""Runs the service: python -m app (listens on PORT, default ${{ values.port }})."""

import os

import uvicorn


def main() -> None:
    uvicorn.run(
        "app.main:app",
        host="0.0.0.0",
        port=int(os.environ.get("PORT", "${{ values.port }}")),
        # Uvicorn stops taking connections on SIGTERM, finishes the requests
        # in flight and then runs the shutdown part of the lifespan.
        timeout_graceful_shutdown=10,
    )


if __name__ == "__main__":
    main()
