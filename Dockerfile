# The browser assets the API serves (api/static.py), as `make install` gets them: npm ci from the lock.
FROM node:20-slim AS assets
WORKDIR /assets
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

# One image for the API, the worker and the one-off jobs (migrate, setup-engine); the command picks.
FROM python:3.11-slim

# MALLOC_ARENA_MAX: glibc gives each thread that allocates (asyncio.to_thread: an upload's parsing and
# sealing) an arena of its own and keeps it; two arenas keep the API's memory after a large upload down
# (docs/performance.md, P4: 151.8 -> 149.6 MB).
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    OVERDRACHT_NODE_MODULES=/app/node_modules MALLOC_ARENA_MAX=2
WORKDIR /app

# WeasyPrint (the overdracht's PDF, web/routes/afdruk.py) lays out text with Pango; HarfBuzz's
# subsetter keeps the fonts in the PDF small.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    && rm -rf /var/lib/apt/lists/*

COPY pyproject.toml constraints.txt README.md ./
COPY overdracht ./overdracht
COPY core ./core
COPY services ./services
COPY web ./web
COPY workflows ./workflows
COPY activities ./activities
COPY api ./api
COPY schemas ./schemas
COPY db ./db
COPY protocol ./protocol
COPY --from=assets /assets/node_modules ./node_modules
RUN pip install --no-cache-dir -c constraints.txt . && useradd --system --uid 10001 overdracht

USER overdracht
EXPOSE 8000
CMD ["overdracht", "api"]
