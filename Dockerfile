# One image for the API, the worker and the one-off jobs (migrate, setup-engine); the command picks.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

COPY pyproject.toml constraints.txt README.md ./
COPY overdracht ./overdracht
COPY core ./core
COPY services ./services
COPY workflows ./workflows
COPY activities ./activities
COPY api ./api
COPY schemas ./schemas
COPY db ./db
COPY protocol ./protocol
RUN pip install --no-cache-dir -c constraints.txt . && useradd --system --uid 10001 overdracht

USER overdracht
EXPOSE 8000
CMD ["overdracht", "api"]
