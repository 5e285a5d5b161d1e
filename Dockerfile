# One image for web, worker and beat (docker-compose.yml picks the command).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml constraints.txt ./
RUN pip install -c constraints.txt $(python -c 'import tomllib;print(" ".join(tomllib.load(open("pyproject.toml","rb"))["project"]["dependencies"]))')
COPY . .
# The interface's translations (.mo files are built, not committed).
RUN python scripts/compile_messages.py
RUN SECRET_KEY=collectstatic-only DEBUG=true python manage.py collectstatic --noinput
ENV WHITENOISE_USE_FINDERS=false
EXPOSE 8000
CMD ["gunicorn", "kam.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
