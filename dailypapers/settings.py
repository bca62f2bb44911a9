"""Settings of the importer and fetcher: one dict of defaults, overridden by pelicanconf.py
(keys of the same name) and then by environment variables named DAILYPAPERS_<KEY>."""

from __future__ import annotations

import os
import runpy
from pathlib import Path

DEFAULTS = {
    "CONTENT_DIR": "content",  # post files go to CONTENT_DIR/papers/YYYY/MM/DD/<slug>.md
    "RAW_DIR": "data/raw",  # raw API responses, one file per day
    "TAXONOMY_FILE": "tags.yaml",
    "MAX_TAGS": 6,
    "HF_API_BASE_URL": "https://huggingface.co",
    "HF_API_TIMEOUT": 30.0,  # seconds per request
    "HF_API_MAX_RETRIES": 5,  # on 429, 5xx, timeouts and connection errors
    "HF_API_MIN_INTERVAL": 1.0,  # seconds between two requests: a polite rate limit
    "HF_API_SETTLE_HOURS": 6.0,  # a day is complete this long after it ended in UTC
}


def load(config_path: str | os.PathLike | None = "pelicanconf.py") -> dict:
    settings = dict(DEFAULTS)
    if config_path and Path(config_path).is_file():
        module = runpy.run_path(str(config_path))
        settings.update({k: module[k] for k in DEFAULTS if k in module})
    for key, default in DEFAULTS.items():
        env_value = os.environ.get("DAILYPAPERS_" + key)
        if env_value is not None:
            settings[key] = type(default)(env_value)
    return settings
