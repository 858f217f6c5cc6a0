"""A client key's rate limit as Sentry takes it (stdlib only).

Source (getsentry/sentry): ``api/serializers/rest_framework/project_key.py``
``RateLimitSerializer``: ``count`` an integer from 0, ``window`` an integer of seconds from 0 to
``60 * 60 * 24``; ``core/endpoints/project_key_details.py`` ``put`` applies ``rateLimit`` only
with the project feature ``projects:rate-limits`` (on by default, ``conf/server.py``
``SENTRY_FEATURES``); ``models/projectkey.py`` ``ProjectKey.rate_limit`` enforces a limit only
when both numbers are non-zero, so a count or window of 0 means no limit at all. Both columns
are ``BoundedPositiveIntegerField`` (at most 2147483647).
"""

from __future__ import annotations

from typing import Final

RATE_LIMIT: Final = "rateLimit"  # {"window": seconds, "count": events} or null
WINDOW_MAX_SECONDS: Final = 60 * 60 * 24
COUNT_MAX: Final = 2_147_483_647
# pulumiverse_sentry's SentryKey inputs (terraform-provider-sentry 0.11.2 sends them as
# rateLimit.window and rateLimit.count, on create and update).
COUNT_INPUT: Final = "rate_limit_count"
WINDOW_INPUT: Final = "rate_limit_window"
# The same inputs as the engine carries them (the bridge's camelCase property names).
COUNT_WIRE: Final = "rateLimitCount"
WINDOW_WIRE: Final = "rateLimitWindow"
