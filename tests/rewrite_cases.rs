//! Rewrites of hand-written Dockerfiles, one snapshot each: the diff a
//! reviewer would see, or the reason the file is left alone. Every rewrite
//! must parse again, and rewriting it again must change nothing.

use dockopt::rewrite::{self, Outcome};

/// Rewrites `src` with no build context (as from standard input) and
/// snapshots the diff or the reason.
fn case(name: &str, src: &str) {
    let df = dockopt::syntax::parse(src).unwrap_or_else(|e| panic!("{name}: {e}"));
    let outcome = rewrite::rewrite_in(&df, None).unwrap_or_else(|e| panic!("{name}: {e}"));
    let shown = show(name, src, outcome);
    insta::with_settings!({ description => src, omit_expression => true }, {
        insta::assert_snapshot!(name, shown);
    });
}

/// Like [`case`], with a build context holding `files` beside the
/// Dockerfile, as `dockopt rewrite` sees it on disk.
fn case_in(name: &str, src: &str, files: &[(&str, &str)]) {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("dirs");
        std::fs::write(p, text).expect("write");
    }
    let df = dockopt::syntax::parse(src).expect("parses");
    let outcome = rewrite::rewrite_in(&df, Some(dir.path())).expect("rewrite");
    let shown = show(name, src, outcome);
    let files: Vec<String> = files.iter().map(|(p, t)| format!("{p}:\n{t}")).collect();
    insta::with_settings!({ description => format!("{src}\n{}", files.join("\n")), omit_expression => true }, {
        insta::assert_snapshot!(name, shown);
    });
}

/// A Django project that gathers its static files at build time.
const DJANGO: &str = "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nRUN python manage.py collectstatic --noinput\nCMD [\"gunicorn\", \"mysite.wsgi\"]\n";

/// Django's manage.py, naming its settings module.
const DJANGO_MANAGE: &str = "import os\nimport sys\n\ndef main():\n    os.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"mysite.settings\")\n";

/// Manifests of a project whose packages are pure Python or Ruby, for
/// cases about something else than what the packages link.
const MANIFESTS: &[(&str, &str)] = &[
    ("requirements.txt", "flask==3.0.3\ngunicorn==22.0.0\n"),
    (
        "pyproject.toml",
        "[project]\nname = \"app\"\ndependencies = [\n  \"flask>=3\",\n]\n",
    ),
    (
        "poetry.lock",
        "[[package]]\nname = \"flask\"\nversion = \"3.0.3\"\n",
    ),
    (
        "Pipfile.lock",
        "{\n  \"default\": {\n    \"flask\": {\n      \"version\": \"==3.0.3\"\n    }\n  }\n}\n",
    ),
    (
        "uv.lock",
        "[[package]]\nname = \"flask\"\nversion = \"3.0.3\"\n",
    ),
    (
        "Gemfile",
        "source \"https://rubygems.org\"\ngem \"sinatra\"\n",
    ),
    (
        "Gemfile.lock",
        "GEM\n  remote: https://rubygems.org/\n  specs:\n    sinatra (4.0.0)\n\nPLATFORMS\n  ruby\n",
    ),
];

/// [`case_in`] with [`MANIFESTS`].
fn with_manifests(name: &str, src: &str) {
    case_in(name, src, MANIFESTS);
}

/// The diff of a rewrite, checked to parse and to stay as it is when
/// rewritten again; or the reason the file was left alone.
fn show(name: &str, src: &str, outcome: Outcome) -> String {
    match outcome {
        Outcome::Rewritten { text, .. } => {
            dockopt::syntax::parse(&text)
                .unwrap_or_else(|e| panic!("{name}: output does not parse: {e}"));
            match rewrite::rewrite(&text).expect("output rewrites") {
                Outcome::Unchanged(why) => assert_eq!(why.reason, "already multi-stage", "{name}"),
                Outcome::Rewritten { .. } => {
                    panic!("{name}: rewriting the output changed it again")
                }
            }
            dockopt::diff::unified("Dockerfile", src, &text)
        }
        Outcome::Unchanged(why) => format!("unchanged: {why}\n"),
    }
}

#[test]
fn manifests_in_the_build_context() {
    case_in(
        "go_build_names_the_binary_after_go_mod",
        "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build\nCMD [\"./server\"]\n",
        &[
            ("go.mod", "module example.com/tools/server/v2\n\ngo 1.22\n"),
            ("main.go", "package main\n\nfunc main() {}\n"),
        ],
    );
    case_in(
        "go_build_in_a_copied_subfolder",
        "FROM golang:1.22\nWORKDIR /build\nCOPY service/ ./svc/\nWORKDIR /build/svc\nRUN go build .\nCMD [\"/build/svc/api\"]\n",
        &[("service/go.mod", "module github.com/acme/api\n\ngo 1.22\n")],
    );
    case_in(
        "dotnet_console_project_gets_the_runtime_image",
        "FROM mcr.microsoft.com/dotnet/sdk:8.0\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release -o /app\nENTRYPOINT [\"dotnet\", \"/app/Worker.dll\"]\n",
        &[(
            "Worker.csproj",
            "<Project Sdk=\"Microsoft.NET.Sdk.Worker\">\n  <PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup>\n</Project>\n",
        )],
    );
}

#[test]
fn package_json_in_the_build_context() {
    case_in(
        "node_start_script_runs_a_dev_server",
        "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD [\"npm\", \"start\"]\n",
        &[(
            "package.json",
            "{\n  \"scripts\": { \"start\": \"next dev -p 3000\" },\n  \"dependencies\": { \"next\": \"14.2.3\" }\n}\n",
        )],
    );
    case_in(
        "node_start_script_runs_the_app",
        "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nCMD [\"npm\", \"start\"]\n",
        &[(
            "package.json",
            "{\n  \"scripts\": { \"start\": \"node server.js\" },\n  \"dependencies\": { \"express\": \"4.19.2\", \"pg-native\": \"3.0.1\" }\n}\n",
        )],
    );
}

#[test]
fn native_libraries_from_manifests() {
    case(
        "python_uwsgi_and_python_magic_get_their_libraries",
        "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install uwsgi==2.0.26 python-magic django\nCMD [\"uwsgi\", \"--http\", \":8000\", \"--module\", \"site.wsgi\"]\n",
    );
    case(
        "python_psycopg2_named_gets_libpq",
        "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install psycopg2==2.9.9 flask\nCMD [\"python\", \"app.py\"]\n",
    );
    case_in(
        "python_requirements_in_context_get_their_libraries",
        "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nCMD [\"python\", \"app.py\"]\n",
        &[
            ("requirements.txt", "flask==3.0.0\n-r requirements-db.txt\n"),
            (
                "requirements-db.txt",
                "mysqlclient>=2.2  # MySQL\npsycopg2-binary\n",
            ),
        ],
    );
    case_in(
        // image_processing brings mini_magick, which runs ImageMagick's
        // programs: the full ruby image has them, -slim does not.
        "ruby_mini_magick_needs_imagemagick",
        "FROM ruby:3.3\nWORKDIR /app\nCOPY Gemfile Gemfile.lock ./\nRUN bundle install\nCOPY . .\nCMD [\"ruby\", \"app.rb\"]\n",
        &[
            (
                "Gemfile",
                "source 'https://rubygems.org'\ngem 'sinatra'\ngem 'image_processing'\n",
            ),
            (
                "Gemfile.lock",
                "GEM\n  remote: https://rubygems.org/\n  specs:\n    image_processing (1.12.2)\n      mini_magick (>= 4.9.5, < 5)\n    mini_magick (4.12.0)\n    sinatra (4.0.0)\n\nPLATFORMS\n  ruby\n",
            ),
        ],
    );
    case_in(
        // psycopg 3 without its binary extra loads libpq with ctypes.
        "python_psycopg3_loads_libpq",
        "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nCMD [\"python\", \"app.py\"]\n",
        &[("requirements.txt", "flask==3.0.3\npsycopg==3.2.1\n")],
    );
    case_in(
        // GitPython fails to import without the git program, which the
        // full python image has (checked on the slim stand-in).
        "python_gitpython_needs_git",
        "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nCMD [\"python\", \"app.py\"]\n",
        &[("requirements.txt", "flask==3.0.3\nGitPython==3.1.43\n")],
    );
    case_in(
        // WeasyPrint renders with pango, which the full image has through
        // ImageMagick's librsvg and -slim lacks.
        "python_weasyprint_needs_pango",
        "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nCMD [\"gunicorn\", \"app:app\"]\n",
        &[(
            "requirements.txt",
            "flask==3.0.3\ngunicorn==22.0.0\nweasyprint==62.3\n",
        )],
    );
    case_in(
        // STATIC_ROOT below BASE_DIR travels with the app.
        "python_django_collectstatic_in_project",
        DJANGO,
        &[
            ("requirements.txt", "Django==5.0.6\ngunicorn==22.0.0\n"),
            ("manage.py", DJANGO_MANAGE),
            (
                "mysite/settings.py",
                "from pathlib import Path\nBASE_DIR = Path(__file__).resolve().parent.parent\nSTATIC_ROOT = BASE_DIR / \"staticfiles\"\n",
            ),
        ],
    );
    case_in(
        // Split settings: STATIC_ROOT in the module production.py star-imports.
        "python_django_collectstatic_outside_the_app",
        "FROM python:3.12\nENV DJANGO_SETTINGS_MODULE=mysite.settings.production\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nRUN python manage.py collectstatic --noinput\nCMD [\"gunicorn\", \"mysite.wsgi\"]\n",
        &[
            ("requirements.txt", "Django==5.0.6\ngunicorn==22.0.0\n"),
            ("manage.py", DJANGO_MANAGE),
            ("mysite/settings/__init__.py", ""),
            (
                "mysite/settings/base.py",
                "STATIC_URL = \"static/\"\nSTATIC_ROOT = \"/var/www/static/\"  # served by nginx\n",
            ),
            (
                "mysite/settings/production.py",
                "from .base import *\nDEBUG = False\n",
            ),
        ],
    );
    case_in(
        "python_django_static_root_from_the_environment",
        DJANGO,
        &[
            ("requirements.txt", "Django==5.0.6\ngunicorn==22.0.0\n"),
            ("manage.py", DJANGO_MANAGE),
            (
                "mysite/settings.py",
                "import os\nSTATIC_ROOT = os.environ[\"STATIC_ROOT\"]\n",
            ),
        ],
    );
    case_in(
        // Which branch sets it is not known when the file is read.
        "python_django_static_root_in_a_block",
        DJANGO,
        &[
            ("requirements.txt", "Django==5.0.6\ngunicorn==22.0.0\n"),
            ("manage.py", DJANGO_MANAGE),
            (
                "mysite/settings.py",
                "from pathlib import Path\nBASE_DIR = Path(__file__).resolve().parent.parent\nSTATIC_ROOT = BASE_DIR / \"staticfiles\"\nif not DEBUG:\n    STATIC_ROOT = \"/srv/static\"\n",
            ),
        ],
    );
    case(
        // Without the context dockopt cannot see where the files go.
        "python_django_collectstatic_without_context",
        "FROM python:3.12\nWORKDIR /app\nRUN pip install --no-cache-dir Django==5.0.6 gunicorn==22.0.0\nCOPY . .\nRUN python manage.py collectstatic --noinput\nCMD [\"gunicorn\", \"mysite.wsgi\"]\n",
    );
    case_in(
        "ruby_gemfile_lock_pg",
        "FROM ruby:3.3\nWORKDIR /app\nCOPY Gemfile Gemfile.lock ./\nRUN bundle install\nCOPY . .\nCMD [\"bundle\", \"exec\", \"puma\"]\n",
        &[
            (
                "Gemfile",
                "source 'https://rubygems.org'\ngem 'pg', '~> 1.5'\ngem 'puma'\n",
            ),
            (
                "Gemfile.lock",
                "GEM\n  remote: https://rubygems.org/\n  specs:\n    nio4r (2.7.0)\n    pg (1.5.4)\n    puma (6.4.2)\n      nio4r (~> 2.0)\n\nPLATFORMS\n  ruby\n",
            ),
        ],
    );
    case_in(
        "ruby_gemfile_without_lock_mysql2_on_alpine",
        "FROM ruby:3.3-alpine\nRUN apk add --no-cache build-base mariadb-dev\nWORKDIR /app\nCOPY . .\nRUN bundle install\nCMD [\"ruby\", \"app.rb\"]\n",
        &[(
            "Gemfile",
            "source \"https://rubygems.org\"\ngem \"mysql2\"\n",
        )],
    );
}

#[test]
fn python() {
    with_manifests(
        "python_chown_of_the_app_is_repeated",
        "FROM python:3.11\nRUN useradd --create-home app\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt && chown -R app:app /app\nUSER app\nCMD [\"python\", \"app.py\"]\n",
    );
    case(
        "python_chown_of_part_of_the_app",
        "FROM python:3.11\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nRUN chown -R nobody /app/data\nCMD [\"python\", \"app.py\"]\n",
    );
    with_manifests(
        "python_pip_requirements_goes_to_a_venv",
        "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nCMD [\"gunicorn\", \"-b\", \"0.0.0.0:8000\", \"app:app\"]\n",
    );
    with_manifests(
        "python_pip_user_copies_root_local",
        "FROM python:3.11\nWORKDIR /app\nCOPY . .\nRUN pip install --user -r requirements.txt\nENV PATH=/root/.local/bin:$PATH\nCMD [\"python\", \"main.py\"]\n",
    );
    with_manifests(
        "python_pip_prefix",
        "FROM python:3.11\nWORKDIR /app\nCOPY . .\nRUN pip install --prefix=/install -r requirements.txt\nENV PYTHONPATH=/install/lib/python3.11/site-packages\nCMD [\"python\", \"main.py\"]\n",
    );
    with_manifests(
        "python_existing_venv_on_path",
        "FROM python:3.12\nRUN python -m venv /venv\nENV PATH=\"/venv/bin:$PATH\"\nWORKDIR /srv\nCOPY . .\nRUN pip install .\nCMD [\"myapp\"]\n",
    );
    case(
        "python_venv_not_on_path",
        "FROM python:3.12\nRUN python -m venv /venv\nWORKDIR /srv\nCOPY . .\nRUN pip install .\nCMD [\"python\", \"-m\", \"myapp\"]\n",
    );
    with_manifests(
        "python_poetry_into_the_environment",
        "FROM python:3.12\nENV POETRY_VIRTUALENVS_CREATE=false\nWORKDIR /app\nRUN pip install poetry==1.8.3\nCOPY pyproject.toml poetry.lock ./\nRUN poetry install --no-root --only main\nCOPY . .\nCMD [\"python\", \"-m\", \"app\"]\n",
    );
    case(
        "python_poetry_own_cache",
        "FROM python:3.12\nWORKDIR /app\nRUN pip install poetry\nCOPY . .\nRUN poetry install\nCMD [\"poetry\", \"run\", \"app\"]\n",
    );
    with_manifests(
        "python_pipenv_system",
        "FROM python:3.10\nWORKDIR /app\nRUN pip install pipenv\nCOPY Pipfile Pipfile.lock ./\nRUN pipenv install --system --deploy\nCOPY . .\nCMD [\"python\", \"app.py\"]\n",
    );
    with_manifests(
        "python_uv_sync_project_venv",
        "FROM python:3.12-bookworm\nCOPY --from=ghcr.io/astral-sh/uv:0.4 /uv /bin/uv\nWORKDIR /app\nCOPY . .\nRUN uv sync --frozen\nENV PATH=\"/app/.venv/bin:$PATH\"\nCMD [\"python\", \"-m\", \"app\"]\n",
    );
    with_manifests(
        "python_dev_packages_become_runtime_libraries",
        "FROM python:3.11\nRUN apt-get update && apt-get install -y --no-install-recommends build-essential libpq-dev libjpeg-dev zlib1g-dev curl && rm -rf /var/lib/apt/lists/*\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nHEALTHCHECK CMD curl -f http://localhost:8000/ || exit 1\nCMD [\"python\", \"app.py\"]\n",
    );
    with_manifests(
        "python_arg_templated_tag",
        "ARG PY=3.12\nFROM python:${PY}\nARG APP_ENV=prod\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nENV APP_ENV=${APP_ENV}\nCMD [\"python\", \"app.py\"]\n",
    );
    case(
        "python_release_suffix_kept",
        "FROM python:3.12-bookworm\nWORKDIR /app\nCOPY . .\nRUN pip install flask\nCMD [\"flask\", \"run\"]\n",
    );
    case(
        "python_alpine_virtual_build_deps",
        "FROM python:3.12-alpine\nWORKDIR /app\nCOPY requirements.txt .\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev postgresql-dev \\\n    && pip install -r requirements.txt \\\n    && apk del .build-deps\nRUN apk add --no-cache libpq\nCOPY . .\nCMD [\"python\", \"app.py\"]\n",
    );
    with_manifests(
        "python_healthcheck_tool_installed",
        "FROM python:3.11\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nHEALTHCHECK --interval=30s CMD wget -qO- http://localhost:8000/health || exit 1\nCMD [\"python\", \"app.py\"]\n",
    );
    case(
        "python_absolute_console_script",
        "FROM python:3.11\nWORKDIR /app\nCOPY . .\nRUN pip install gunicorn\nCMD [\"/usr/local/bin/gunicorn\", \"app:app\"]\n",
    );
    with_manifests(
        "python_user_moves_to_runtime",
        "FROM python:3.11\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nRUN useradd --create-home app\nUSER app\nCMD [\"python\", \"app.py\"]\n",
    );
    with_manifests(
        "python_comments_and_crlf_kept",
        "# syntax=docker/dockerfile:1\r\nFROM python:3.11\r\n\r\n# the app\r\nWORKDIR /app\r\nCOPY . .\r\n\r\n# dependencies\r\nRUN pip install \\\r\n    -r requirements.txt\r\n\r\n# how it runs\r\nEXPOSE 8000\r\nCMD [\"python\", \"app.py\"]\r\n",
    );
    case(
        "python_digest_pinned",
        "FROM python:3.11@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n",
    );
    case(
        "python_slim_digest_pinned_is_its_own_runtime",
        "FROM python:3.12-slim@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\nRUN apt-get update && apt-get install -y --no-install-recommends build-essential && rm -rf /var/lib/apt/lists/*\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n",
    );
    case(
        "python_uv_pip_system",
        "FROM python:3.12\nENV UV_SYSTEM_PYTHON=1\nCOPY --from=ghcr.io/astral-sh/uv:0.5 /uv /bin/uv\nWORKDIR /app\nCOPY . .\nRUN uv pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n",
    );
    case(
        "python_runtime_packages_and_a_download_repeated",
        "FROM python:3.12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends wget && \\\n  rm -rf /var/lib/apt/lists/* && \\\n  wget -O /bin/curl https://example.com/curl-amd64 && chmod +x /bin/curl\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nHEALTHCHECK CMD curl -f http://localhost:8080/ || exit 1\nCMD [\"python\", \"app.py\"]\n",
    );
    case(
        "python_build_package_and_system_files_in_one_run",
        "FROM python:3.12\nRUN apt-get update && apt-get install -y gcc && mkdir -p /var/run/app\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n",
    );
    case(
        "python_update_alternatives_repeated",
        "FROM python:3.12-slim\nCOPY --from=eclipse-temurin:17-jre /opt/java/openjdk /opt/java/openjdk\nRUN update-alternatives --install /usr/bin/java java /opt/java/openjdk/bin/java 10\nWORKDIR /pipeline\nRUN pip install --no-cache-dir pyspark==3.5.1\nCOPY job.py ./\nCMD [\"python\", \"job.py\"]\n",
    );
    case(
        "python_entrypoint_script_without_context",
        "FROM python:3.11\nWORKDIR /app\nCOPY . .\nRUN pip install flask\nENTRYPOINT [\"./entrypoint.sh\"]\n",
    );
}

#[test]
fn node() {
    case(
        "node_npm_ci_and_build",
        "FROM node:20\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\nEXPOSE 3000\nCMD [\"node\", \"dist/main.js\"]\n",
    );
    case(
        "node_yarn_classic",
        "FROM node:18\nWORKDIR /app\nCOPY package.json yarn.lock ./\nRUN yarn install --frozen-lockfile\nCOPY . .\nRUN yarn build\nCMD [\"yarn\", \"start\"]\n",
    );
    case(
        "node_pnpm_needs_corepack",
        "FROM node:20\nRUN corepack enable\nWORKDIR /app\nCOPY package.json pnpm-lock.yaml ./\nRUN pnpm install --frozen-lockfile\nCOPY . .\nRUN pnpm build\nCMD [\"pnpm\", \"start\"]\n",
    );
    case(
        // Yarn 4 through corepack: -slim's own yarn is yarn 1, so the
        // runtime enables corepack and gets the yarn the build fetched.
        "node_yarn_berry_through_corepack",
        "FROM node:22-bookworm\nWORKDIR /app\nRUN corepack enable\nCOPY package.json yarn.lock .yarnrc.yml ./\nRUN yarn install --immutable\nCOPY . .\nRUN yarn build\nCMD [\"yarn\", \"node\", \"dist/main.js\"]\n",
    );
    case(
        "node_corepack_home_is_copied",
        "FROM node:20\nENV COREPACK_HOME=/opt/corepack\nRUN corepack enable && corepack prepare pnpm@9.15.9 --activate\nWORKDIR /app\nCOPY . .\nRUN pnpm install --frozen-lockfile && pnpm build\nCMD [\"pnpm\", \"start\"]\n",
    );
    case(
        // Node 16's corepack kept its cache in ~/.node/corepack.
        "node_old_corepack_cache_folder",
        "FROM node:16.14\nRUN corepack enable\nWORKDIR /app\nCOPY . .\nRUN pnpm install\nCMD [\"pnpm\", \"start\"]\n",
    );
    case(
        // Nothing ran pnpm in the build: the original fetches it when it
        // starts, and so does the rewrite.
        "node_corepack_enabled_but_nothing_fetched",
        "FROM node:20\nRUN corepack enable\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD [\"pnpm\", \"start\"]\n",
    );
    case_in(
        // puppeteer's install downloads Chrome into ~/.cache/puppeteer,
        // which would stay in the builder.
        "node_puppeteer_downloads_into_home",
        "FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nCMD [\"node\", \"pdf.js\"]\n",
        &[(
            "package.json",
            "{\"dependencies\": {\"express\": \"4.21.2\", \"puppeteer\": \"^23.0.0\"}}",
        )],
    );
    case_in(
        "node_puppeteer_download_skipped",
        "FROM node:20\nENV PUPPETEER_SKIP_DOWNLOAD=true\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nCMD [\"node\", \"pdf.js\"]\n",
        &[(
            "package.json",
            "{\"dependencies\": {\"puppeteer\": \"^23.0.0\"}}",
        )],
    );
    case_in(
        // A test tool the program does not run: its download may stay behind.
        "node_cypress_as_a_dev_dependency",
        "FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nCMD [\"node\", \"server.js\"]\n",
        &[(
            "package.json",
            "{\"dependencies\": {\"express\": \"4.21.2\"}, \"devDependencies\": {\"cypress\": \"^13.0.0\"}}",
        )],
    );
    case(
        // npx runs a package's program in the app folder, like an npm script.
        "node_npx_prisma_generate",
        "FROM node:20\nWORKDIR /app\nCOPY package*.json prisma ./\nRUN npm ci && npx prisma generate\nCOPY . .\nRUN npm run build\nCMD [\"node\", \"dist/main.js\"]\n",
    );
    case(
        // Browsers land in ~/.cache/ms-playwright, outside the app.
        "node_npx_playwright_install",
        "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nRUN npx -y playwright@1.47 install --with-deps chromium\nCMD [\"node\", \"scrape.js\"]\n",
    );
    case(
        "node_pnpm_without_corepack",
        "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install\nCMD [\"pnpm\", \"start\"]\n",
    );
    case(
        "node_user_root_before_copy_is_the_default",
        "FROM node:21-alpine\nENV NODE_ENV production\nWORKDIR /app\nRUN --mount=type=bind,source=package.json,target=package.json \\\n    --mount=type=cache,target=/root/.npm \\\n    npm ci --omit=dev\nUSER root\nCOPY . .\nEXPOSE 8000\nCMD node app.js\n",
    );
    case(
        "node_modules_moved_beside_the_app",
        "FROM node:18\nWORKDIR /usr/local/app\nCOPY package*.json ./\nRUN npm ci && npm cache clean --force && mv /usr/local/app/node_modules /node_modules\nCOPY . .\nCMD [\"node\", \"server.js\"]\n",
    );
    case(
        "node_modules_moved_into_a_system_folder",
        "FROM node:18\nWORKDIR /usr/local/app\nCOPY . .\nRUN npm ci && mv /usr/local/app/node_modules /usr/lib/node_modules_app\nCMD [\"node\", \"server.js\"]\n",
    );
    case(
        "node_dev_server",
        "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install\nCMD [\"npm\", \"run\", \"dev\"]\n",
    );
    case(
        "node_release_suffix_kept",
        "FROM node:20-bookworm\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nCMD [\"node\", \"server.js\"]\n",
    );
    case(
        "node_alpine_native_build_tools",
        "FROM node:20-alpine\nRUN apk add --no-cache python3 make g++\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD [\"node\", \"index.js\"]\n",
    );
    case(
        "node_global_tool_used_by_cmd",
        "FROM node:20\nRUN npm install -g serve\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nCMD [\"serve\", \"-s\", \"build\"]\n",
    );
    case(
        "node_user_before_install",
        "FROM node:20\nWORKDIR /home/node/app\nUSER node\nCOPY --chown=node:node . .\nRUN npm install\nCMD [\"node\", \"index.js\"]\n",
    );
    case(
        "node_no_install",
        "FROM node:20\nWORKDIR /app\nCOPY server.js .\nCMD [\"node\", \"server.js\"]\n",
    );
    case(
        "node_env_before_build_is_repeated",
        "FROM node:20\nENV NODE_ENV=production\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD [\"npm\", \"start\"]\n",
    );
    case(
        "node_add_from_url",
        "FROM node:20\nWORKDIR /app\nADD https://example.com/app.tgz /app/\nRUN npm install\nCMD [\"node\", \"index.js\"]\n",
    );
    case(
        "node_chown_is_repeated",
        "FROM node:20\nWORKDIR /app\nCOPY --chown=node:node . .\nRUN npm ci\nUSER node\nCMD [\"node\", \"index.js\"]\n",
    );
}

#[test]
fn go() {
    case(
        // COPY makes root-owned files whatever USER says: only RUN after
        // USER would make files that belong to the user.
        "go_user_then_copy_only",
        "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /usr/local/bin/api .\nRUN useradd -m app\nUSER app\nCOPY config.yaml /etc/api/config.yaml\nCMD [\"api\"]\n",
    );
    case(
        "go_build_output",
        "FROM golang:1.22\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nRUN go build -o /app/server ./cmd/server\nEXPOSE 8080\nCMD [\"/app/server\"]\n",
    );
    case(
        "go_cgo_off_still_slim_debian",
        "FROM golang:1.23\nENV CGO_ENABLED=0\nWORKDIR /src\nCOPY . .\nRUN go build -ldflags=\"-s -w\" -o /bin/api .\nENTRYPOINT [\"/bin/api\"]\n",
    );
    case(
        "go_alpine_release",
        "FROM golang:1.22-alpine3.19\nWORKDIR /src\nCOPY . .\nRUN go build -o /bin/app .\nCMD [\"/bin/app\"]\n",
    );
    case(
        "go_alpine_without_release",
        "FROM golang:1.22-alpine\nWORKDIR /src\nCOPY . .\nRUN go build -o /bin/app .\nCMD [\"/bin/app\"]\n",
    );
    case(
        "go_bookworm_tag",
        "FROM golang:1.21-bookworm\nWORKDIR /src\nCOPY . .\nRUN go build -o /bin/app .\nCMD [\"/bin/app\"]\n",
    );
    case(
        "go_install_to_gopath_bin",
        "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go install ./cmd/api\nCMD [\"api\"]\n",
    );
    case(
        "go_run_needs_the_sdk",
        "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go mod download\nCMD [\"go\", \"run\", \".\"]\n",
    );
    case(
        "go_build_without_output",
        "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build .\nCMD [\"./hello\"]\n",
    );
    case(
        "go_latest_release_unknown",
        "FROM golang:latest\nWORKDIR /src\nCOPY . .\nRUN go build -o /bin/app .\nCMD [\"/bin/app\"]\n",
    );
    case(
        "go_relative_output_in_workdir",
        "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o server .\nCMD [\"./server\"]\n",
    );
    case(
        "go_cgo_sqlite_library",
        "FROM golang:1.22\nRUN apt-get update && apt-get install -y libsqlite3-dev && rm -rf /var/lib/apt/lists/*\nWORKDIR /src\nCOPY . .\nRUN go build -o /bin/app .\nCMD [\"/bin/app\"]\n",
    );
    case(
        "go_healthcheck_curl",
        "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /bin/app .\nHEALTHCHECK CMD curl -fs http://localhost:8080/healthz || exit 1\nCMD [\"/bin/app\"]\n",
    );
    case(
        "go_build_of_files_names_the_binary_after_the_first",
        "FROM golang:1.25\nCOPY devflowapp.go .\nRUN go get -d -v ./...\nRUN go build -ldflags \"-s -w\" devflowapp.go\nCMD [\"./devflowapp\"]\n",
    );
    case(
        "go_build_of_a_package_folder",
        "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -tags netgo ./cmd/server\nCMD [\"/src/server\"]\n",
    );
    case(
        "go_install_all_packages_copies_the_folder",
        "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go install ./...\nCMD [\"/go/bin/api\"]\n",
    );
    case(
        "go_install_into_gobin",
        "FROM golang:1.22\nENV GOBIN=/usr/local/bin\nWORKDIR /src\nCOPY . .\nRUN go install ./cmd/api\nCMD [\"api\"]\n",
    );
    case(
        "go_install_all_packages_run_by_name",
        "FROM golang:1.25-alpine\nWORKDIR /go/src\nCOPY . .\nRUN go install ./...\nCMD [\"hotapp\"]\n",
    );
    case(
        "go_install_cross_compiled",
        "FROM golang:1.22\nENV GOOS=linux GOARCH=arm64\nWORKDIR /src\nCOPY . .\nRUN go install ./cmd/api\nCMD [\"api\"]\n",
    );
    case(
        "go_trixie_for_new_versions",
        "FROM golang:1.25\nWORKDIR /src\nCOPY . .\nRUN go build -o /bin/app .\nCMD [\"/bin/app\"]\n",
    );
}

#[test]
fn rust() {
    /// A lock file whose crates link no system library.
    const CARGO_LOCK: &str = "version = 3\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n";
    case_in(
        "rust_build_release_bin",
        "FROM rust:1.79\nWORKDIR /app\nCOPY . .\nRUN cargo build --release --locked --bin server\nEXPOSE 8080\nCMD [\"./target/release/server\"]\n",
        &[("Cargo.lock", CARGO_LOCK)],
    );
    case(
        "rust_binary_name_needs_the_manifest",
        "FROM rust:1.79\nWORKDIR /app\nCOPY . .\nRUN cargo build --release\nCMD [\"./target/release/app\"]\n",
    );
    case_in(
        "rust_musl_target",
        "FROM rust:1.80-alpine3.20\nRUN apk add --no-cache musl-dev\nWORKDIR /src\nCOPY . .\nRUN cargo build --release --target x86_64-unknown-linux-musl --bin tool\nENTRYPOINT [\"/src/target/x86_64-unknown-linux-musl/release/tool\"]\n",
        &[("Cargo.lock", CARGO_LOCK)],
    );
    case_in(
        "rust_cargo_target_dir",
        "FROM rust:1.79-bookworm\nENV CARGO_TARGET_DIR=/build\nWORKDIR /src\nCOPY . .\nRUN cargo build --release --bin api\nCMD [\"/build/release/api\"]\n",
        &[("Cargo.lock", CARGO_LOCK)],
    );
    case_in(
        "rust_cargo_install_path",
        "FROM rust:1.79\nWORKDIR /src\nCOPY . .\nRUN cargo install --path . --locked --bin daemon\nCMD [\"daemon\"]\n",
        &[("Cargo.lock", CARGO_LOCK)],
    );
    case_in(
        "rust_cargo_install_root",
        "FROM rust:1.79\nWORKDIR /src\nCOPY . .\nRUN cargo install --path . --root /usr/local --bin cli\nENTRYPOINT [\"cli\"]\n",
        &[("Cargo.lock", CARGO_LOCK)],
    );
    case_in(
        "rust_slim_builder_same_release",
        "FROM rust:1.82-slim-bookworm\nWORKDIR /app\nCOPY . .\nRUN cargo build --release --bin web\nCMD [\"/app/target/release/web\"]\n",
        &[("Cargo.lock", CARGO_LOCK)],
    );
    case_in(
        "rust_latest_release_unknown",
        "FROM rust:latest\nWORKDIR /app\nCOPY . .\nRUN cargo build --release --bin web\nCMD [\"/app/target/release/web\"]\n",
        &[("Cargo.lock", CARGO_LOCK)],
    );
    case_in(
        "rust_cargo_run_needs_the_toolchain",
        "FROM rust:1.79\nWORKDIR /app\nCOPY . .\nRUN cargo fetch\nCMD [\"cargo\", \"run\", \"--release\"]\n",
        &[("Cargo.lock", CARGO_LOCK)],
    );
    case_in(
        "rust_openssl_runtime_library",
        "FROM rust:1.79\nRUN apt-get update && apt-get install -y pkg-config libssl-dev && rm -rf /var/lib/apt/lists/*\nWORKDIR /app\nCOPY . .\nRUN cargo build --release --bin fetcher\nCMD [\"./target/release/fetcher\"]\n",
        &[("Cargo.lock", CARGO_LOCK)],
    );
    case_in(
        "rust_debug_build",
        "FROM rust:1.79\nWORKDIR /app\nCOPY . .\nRUN cargo build --bin dev\nCMD [\"./target/debug/dev\"]\n",
        &[("Cargo.lock", CARGO_LOCK)],
    );
    case_in(
        "rust_build_writes_into_the_app",
        "FROM rust:1.79\nWORKDIR /app\nCOPY . .\nRUN cargo build --release --bin site && cp -r static /app/public\nCMD [\"./target/release/site\"]\n",
        &[("Cargo.lock", CARGO_LOCK)],
    );
    case(
        "rust_without_cargo_lock",
        "FROM rust:1.79\nWORKDIR /app\nCOPY . .\nRUN cargo build --release --bin server\nCMD [\"./target/release/server\"]\n",
    );
    case_in(
        "rust_openssl_sys_in_the_lock_gets_libssl",
        "FROM rust:1.79\nWORKDIR /app\nCOPY . .\nRUN cargo build --release --bin fetcher\nCMD [\"./target/release/fetcher\"]\n",
        &[(
            "Cargo.lock",
            "version = 3\n\n[[package]]\nname = \"fetcher\"\nversion = \"0.1.0\"\n\n[[package]]\nname = \"openssl-sys\"\nversion = \"0.9.103\"\n",
        )],
    );
    case_in(
        "rust_pq_sys_on_alpine",
        "FROM rust:1.80-alpine3.20\nRUN apk add --no-cache musl-dev postgresql-dev\nWORKDIR /src\nCOPY . .\nRUN cargo build --release --bin api\nCMD [\"/src/target/release/api\"]\n",
        &[(
            "Cargo.lock",
            "version = 3\n\n[[package]]\nname = \"pq-sys\"\nversion = \"0.6.1\"\n",
        )],
    );
}

#[test]
fn inline_directives() {
    case(
        "inline_ignore",
        "# dockopt: ignore\nFROM python:3.11\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n",
    );
    with_manifests(
        "inline_build_on_an_unknown_step",
        "FROM python:3.11\nWORKDIR /app\nCOPY . .\n# dockopt: build\nRUN ./generate-assets.sh\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n",
    );
    with_manifests(
        "inline_runtime_moves_a_step",
        "FROM python:3.11\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n# dockopt: runtime\nRUN mkdir -p /var/lib/app && chown nobody /var/lib/app\nUSER nobody\nCMD [\"python\", \"app.py\"]\n",
    );
    with_manifests(
        "inline_keep_base",
        "# dockopt: keep-base\nFROM python:3.11\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n",
    );
}

#[test]
fn left_alone() {
    case(
        "continuation_runs_to_end_of_file",
        "FROM python:3.11\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt \\\n# trailing comment\n\n",
    );
    case(
        "already_multi_stage",
        "FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM debian:bookworm-slim\nCOPY --from=build /app /app\n",
    );
    case(
        "unknown_base_image",
        "FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y python3\nCMD [\"python3\"]\n",
    );
    case(
        "onbuild",
        "FROM python:3.11\nONBUILD COPY . /app\nRUN pip install flask\n",
    );
    case(
        "unknown_program_in_run",
        "FROM python:3.11\nWORKDIR /app\nCOPY . .\nRUN ./bootstrap && pip install .\nCMD [\"python\", \"app.py\"]\n",
    );
    with_manifests(
        "python_make_install_into_usr_local",
        "FROM python:3.11\nWORKDIR /app\nCOPY . .\nRUN cd vendor/libfoo && ./configure && make && make install\nRUN pip install .\nCMD [\"python\", \"app.py\"]\n",
    );
    case(
        "run_builds_and_changes_system",
        "FROM python:3.11\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt && mkdir -p /data\nCMD [\"python\", \"app.py\"]\n",
    );
    with_manifests(
        "unknown_dev_package",
        "FROM python:3.11\nRUN apt-get update && apt-get install -y libexotic-dev\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n",
    );
    case(
        "copy_everything_into_root",
        "FROM python:3.11\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n",
    );
}

#[test]
fn distro() {
    case(
        "distro_ubuntu_pip_into_usr_local",
        "FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y --no-install-recommends \\\n    python3 python3-pip python3-dev build-essential libpq-dev \\\n    && rm -rf /var/lib/apt/lists/*\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip3 install --no-cache-dir -r requirements.txt\nCOPY . .\nEXPOSE 8000\nCMD [\"gunicorn\", \"-b\", \"0.0.0.0:8000\", \"app:app\"]\n",
    );
    case(
        "distro_debian_venv",
        "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y python3 python3-venv gcc libffi-dev && rm -rf /var/lib/apt/lists/*\nRUN python3 -m venv /opt/venv\nENV PATH=\"/opt/venv/bin:$PATH\"\nWORKDIR /srv\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"python3\", \"-m\", \"service\"]\n",
    );
    case(
        "distro_alpine_system_pip",
        "FROM alpine:3.20\nRUN apk add --no-cache python3 py3-pip gcc musl-dev\nWORKDIR /app\nCOPY . .\nRUN pip install --break-system-packages -r requirements.txt\nCMD [\"python3\", \"app.py\"]\n",
    );
    case(
        "distro_alpine_virtual_build_deps_already_removed",
        "FROM alpine:3.20\nRUN apk add --no-cache python3\nRUN python3 -m venv /venv\nENV PATH=/venv/bin:$PATH\nWORKDIR /app\nCOPY . .\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev postgresql-dev \\\n    && pip install -r requirements.txt \\\n    && apk del .build-deps\nRUN apk add --no-cache libpq\nCMD [\"python3\", \"app.py\"]\n",
    );
    case(
        "distro_ubuntu_go_from_apt",
        "FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y golang-go ca-certificates && rm -rf /var/lib/apt/lists/*\nWORKDIR /src\nCOPY . .\nRUN go build -o /usr/local/bin/server ./cmd/server\nCMD [\"server\"]\n",
    );
    case(
        "distro_debian_node_with_native_modules",
        "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends nodejs npm python3 make g++ && rm -rf /var/lib/apt/lists/*\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\nCOPY . .\nCMD [\"node\", \"server.js\"]\n",
    );
    case(
        "distro_prebuilt_binary_is_no_build",
        "FROM alpine:3.18\nRUN apk --no-cache add ca-certificates git\nCOPY tool /usr/local/bin/tool\nENTRYPOINT [\"tool\"]\n",
    );
    case(
        "distro_nothing_build_only",
        "FROM alpine:3.20\nRUN apk add --no-cache python3\nRUN python3 -m venv /venv\nENV PATH=/venv/bin:$PATH\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"python3\", \"app.py\"]\n",
    );
    case(
        "distro_release_unknown_for_system_pip",
        "FROM ubuntu:latest\nRUN apt-get update && apt-get install -y python3 python3-pip build-essential\nWORKDIR /app\nCOPY . .\nRUN pip3 install -r requirements.txt\nCMD [\"python3\", \"app.py\"]\n",
    );
    case(
        "distro_cmd_runs_a_build_tool",
        "FROM debian:bookworm\nRUN apt-get update && apt-get install -y python3 python3-pip git build-essential\nWORKDIR /app\nCOPY . .\nRUN pip3 install --break-system-packages -r requirements.txt\nCMD [\"git\", \"daemon\", \"--base-path=/app\"]\n",
    );
    case(
        "distro_cuda_pip",
        "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nRUN apt-get update && apt-get install -y --no-install-recommends python3-pip python3-dev gcc && rm -rf /var/lib/apt/lists/*\nCOPY serve.py /serve.py\nRUN pip3 install --no-cache-dir vllm-client==0.1 fastapi uvicorn\nCMD [\"uvicorn\", \"serve:app\", \"--app-dir\", \"/\"]\n",
    );
    case(
        "distro_torch_needs_a_compiler_at_runtime",
        "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nRUN apt-get update && apt-get install -y python3-pip gcc\nCOPY train.py /train.py\nRUN pip3 install torch==2.3.0 transformers\nCMD [\"python3\", \"/train.py\"]\n",
    );
    case(
        "distro_poetry_is_not_followed",
        "FROM debian:bookworm\nRUN apt-get update && apt-get install -y python3 python3-poetry build-essential\nWORKDIR /app\nCOPY . .\nRUN poetry install\nCMD [\"python3\", \"app.py\"]\n",
    );
    case(
        "distro_digest_kept",
        "FROM ubuntu:22.04@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\nRUN apt-get update && apt-get install -y python3-pip build-essential\nWORKDIR /app\nCOPY . .\nRUN pip3 install -r requirements.txt\nCMD [\"python3\", \"main.py\"]\n",
    );
    case(
        "distro_fedora_pip_into_usr_local",
        "FROM fedora:40\nRUN dnf install -y python3 python3-pip python3-devel gcc libpq-devel && dnf clean all\nWORKDIR /app\nCOPY . .\nRUN pip3 install --no-cache-dir psycopg2==2.9.9 flask\nCMD [\"python3\", \"app.py\"]\n",
    );
    case(
        "distro_ubi_go_build",
        "FROM registry.access.redhat.com/ubi9/ubi:9.4\nRUN dnf install -y golang git && dnf clean all\nWORKDIR /src\nCOPY . .\nRUN go build -o /usr/local/bin/svc ./cmd/svc\nUSER 1001\nCMD [\"svc\"]\n",
    );
    case(
        "distro_fedora_unknown_devel_package",
        "FROM fedora:40\nRUN dnf install -y gcc libfoo-devel python3-pip\nWORKDIR /app\nCOPY . .\nRUN pip3 install .\nCMD [\"python3\", \"-m\", \"app\"]\n",
    );
}

#[test]
fn java() {
    case(
        "java_maven_package",
        "FROM maven:3.9-eclipse-temurin-17\nWORKDIR /app\nCOPY pom.xml .\nRUN mvn -B dependency:go-offline\nCOPY src ./src\nRUN mvn -B package -DskipTests\nEXPOSE 8080\nCMD [\"java\", \"-jar\", \"target/app-1.0.jar\"]\n",
    );
    case(
        "java_maven_wrapper_on_temurin_jdk",
        "FROM eclipse-temurin:21-jdk-jammy\nWORKDIR /workspace\nCOPY mvnw pom.xml ./\nCOPY .mvn .mvn\nRUN ./mvnw -B dependency:resolve\nCOPY src src\nRUN ./mvnw -B package -DskipTests\nENTRYPOINT [\"java\", \"-jar\", \"/workspace/target/demo.jar\"]\n",
    );
    case(
        "java_gradle_boot_jar_with_a_glob",
        "FROM gradle:8.7-jdk21\nWORKDIR /src\nCOPY . .\nRUN gradle bootJar --no-daemon\nEXPOSE 8080\nCMD java -jar build/libs/*.jar\n",
    );
    case(
        "java_gradle_alpine",
        "FROM gradle:8.7-jdk17-alpine\nWORKDIR /src\nCOPY . .\nRUN gradle build -x test --no-daemon\nCMD [\"java\", \"-jar\", \"build/libs/service.jar\"]\n",
    );
    case(
        "java_gradle_user_missing_from_the_jre",
        "FROM gradle:8-jdk21\nCOPY --chown=gradle:gradle . .\nRUN gradle shadowJar --no-daemon\nCMD [\"java\", \"-jar\", \"build/libs/app-all.jar\"]\n",
    );
    case(
        "java_openjdk_image_has_no_jre",
        "FROM maven:3-openjdk-17\nWORKDIR /app\nCOPY . .\nRUN mvn package\nCMD [\"java\", \"-jar\", \"target/app.jar\"]\n",
    );
    case(
        "java_runs_the_build_tool",
        "FROM maven:3.9-eclipse-temurin-17\nWORKDIR /app\nCOPY . .\nRUN mvn -B package\nCMD [\"mvn\", \"spring-boot:run\"]\n",
    );
    case(
        "java_graal_variant",
        "FROM gradle:jdk21-graal\nWORKDIR /app\nCOPY . .\nRUN gradle nativeCompile\nCMD [\"build/native/nativeCompile/app\"]\n",
    );
    case(
        "java_healthcheck_curl_and_runtime_fonts",
        "FROM maven:3.9-eclipse-temurin-17\nRUN apt-get update && apt-get install -y --no-install-recommends fontconfig && rm -rf /var/lib/apt/lists/*\nWORKDIR /app\nCOPY . .\nRUN mvn -B -q package\nHEALTHCHECK CMD curl -fs http://localhost:8080/actuator/health || exit 1\nCMD [\"java\", \"-jar\", \"target/app.jar\"]\n",
    );
    case(
        "java_user_moves_to_runtime",
        "FROM eclipse-temurin:17-jdk\nWORKDIR /opt/app\nCOPY . .\nRUN ./gradlew --no-daemon bootJar\nRUN useradd --system app\nUSER app\nENTRYPOINT [\"java\", \"-jar\", \"build/libs/app.jar\"]\n",
    );
    case(
        "java_multi_module",
        "FROM maven:3.9.6-eclipse-temurin-21\nWORKDIR /build\nCOPY . .\nRUN mvn -B -am -pl services/api package -DskipTests\nCMD [\"java\", \"-jar\", \"services/api/target/api.jar\"]\n",
    );
    case(
        "java_digest_pinned",
        "FROM maven:3.9-eclipse-temurin-17@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\nWORKDIR /app\nCOPY . .\nRUN mvn package\nCMD [\"java\", \"-jar\", \"target/app.jar\"]\n",
    );
}

#[test]
fn dotnet() {
    case(
        "dotnet_publish_to_a_folder",
        "FROM mcr.microsoft.com/dotnet/sdk:8.0\nWORKDIR /src\nCOPY *.csproj .\nRUN dotnet restore\nCOPY . .\nRUN dotnet publish -c Release -o /app --no-restore\nWORKDIR /app\nEXPOSE 8080\nENTRYPOINT [\"dotnet\", \"Web.dll\"]\n",
    );
    case(
        "dotnet_publish_without_output",
        "FROM mcr.microsoft.com/dotnet/sdk:8.0\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release\nENTRYPOINT [\"dotnet\", \"bin/Release/net8.0/publish/Api.dll\"]\n",
    );
    case(
        "dotnet_alpine_tag_kept",
        "FROM mcr.microsoft.com/dotnet/sdk:8.0-alpine\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release -o /out\nENTRYPOINT [\"dotnet\", \"/out/Api.dll\"]\n",
    );
    case(
        "dotnet_ubuntu_tag_and_app_user",
        "FROM mcr.microsoft.com/dotnet/sdk:9.0-noble\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release -o /app\nWORKDIR /app\nUSER $APP_UID\nENTRYPOINT [\"dotnet\", \"Svc.dll\"]\n",
    );
    case(
        "dotnet_apphost_executable",
        "FROM mcr.microsoft.com/dotnet/sdk:8.0\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release -r linux-x64 --self-contained false -o /app\nWORKDIR /app\nENTRYPOINT [\"./Worker\"]\n",
    );
    case(
        "dotnet_run_needs_the_sdk",
        "FROM mcr.microsoft.com/dotnet/sdk:8.0\nWORKDIR /src\nCOPY . .\nRUN dotnet restore\nCMD [\"dotnet\", \"run\", \"--urls\", \"http://0.0.0.0:8080\"]\n",
    );
    case(
        "dotnet_feature_band_tag",
        "FROM mcr.microsoft.com/dotnet/sdk:8.0.204\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -o /app\nENTRYPOINT [\"dotnet\", \"/app/Web.dll\"]\n",
    );
    case(
        "dotnet_windows_tag",
        "FROM mcr.microsoft.com/dotnet/sdk:8.0-nanoserver-ltsc2022\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -o /app\nENTRYPOINT [\"dotnet\", \"/app/Web.dll\"]\n",
    );
    case(
        "dotnet_healthcheck_curl",
        "FROM mcr.microsoft.com/dotnet/sdk:8.0-bookworm-slim\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release -o /app\nHEALTHCHECK CMD curl -f http://localhost:8080/health || exit 1\nENTRYPOINT [\"dotnet\", \"/app/Web.dll\"]\n",
    );
    case(
        "dotnet_runtime_library_from_dev_package",
        "FROM mcr.microsoft.com/dotnet/sdk:8.0\nRUN apt-get update && apt-get install -y --no-install-recommends libgdiplus libkrb5-dev && rm -rf /var/lib/apt/lists/*\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release -o /app\nENTRYPOINT [\"dotnet\", \"/app/Reports.dll\"]\n",
    );
    case(
        "dotnet_ef_tool_in_cmd",
        "FROM mcr.microsoft.com/dotnet/sdk:8.0\nWORKDIR /src\nCOPY . .\nRUN dotnet tool install --global dotnet-ef && dotnet publish -o /app\nCMD dotnet ef database update && dotnet /app/Web.dll\n",
    );
    case(
        "dotnet_old_core_registry",
        "FROM mcr.microsoft.com/dotnet/core/sdk:3.1\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release -o /app\nENTRYPOINT [\"dotnet\", \"/app/Legacy.dll\"]\n",
    );
}

#[test]
fn ruby() {
    with_manifests(
        "ruby_bundle_install",
        "FROM ruby:3.3\nWORKDIR /app\nCOPY Gemfile Gemfile.lock ./\nRUN bundle install\nCOPY . .\nEXPOSE 4567\nCMD [\"ruby\", \"app.rb\"]\n",
    );
    case_in(
        "ruby_rails_assets_and_pg",
        "FROM ruby:3.2-bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends build-essential nodejs && rm -rf /var/lib/apt/lists/*\nWORKDIR /rails\nENV RAILS_ENV=production BUNDLE_WITHOUT=development:test\nCOPY Gemfile Gemfile.lock ./\nRUN bundle install --jobs 4\nCOPY . .\nRUN bundle exec rake assets:precompile\nEXPOSE 3000\nCMD [\"bin/rails\", \"server\", \"-b\", \"0.0.0.0\"]\n",
        &[
            (
                "Gemfile.lock",
                "GEM\n  remote: https://rubygems.org/\n  specs:\n    pg (1.5.6)\n    rails (7.1.3)\n\nPLATFORMS\n  ruby\n",
            ),
            (
                "bin/rails",
                "#!/usr/bin/env ruby\nAPP_PATH = File.expand_path(\"../config/application\", __dir__)\nrequire \"rails/commands\"\n",
            ),
        ],
    );
    case(
        "ruby_gem_install_command",
        "FROM ruby\nRUN gem install fluentd\nCOPY fluent.conf /fluent.conf\nCMD [\"fluentd\", \"-c\", \"/fluent.conf\"]\n",
    );
    case(
        "ruby_alpine_build_base_dropped",
        "FROM ruby:3.3-alpine\nWORKDIR /app\nRUN apk add --no-cache build-base curl\nRUN gem install sinatra thin\nCOPY hasher.rb .\nCMD [\"ruby\", \"hasher.rb\"]\n",
    );
    with_manifests(
        "ruby_vendor_bundle_path",
        "FROM ruby:3.3\nWORKDIR /app\nCOPY . .\nRUN bundle config set --local path vendor/bundle && bundle config set --local without 'development test' && bundle install\nCMD [\"bundle\", \"exec\", \"puma\", \"-C\", \"config/puma.rb\"]\n",
    );
    with_manifests(
        "ruby_bundle_path_env",
        "FROM ruby:3.3\nENV BUNDLE_PATH=/gems\nWORKDIR /app\nCOPY . .\nRUN bundle install\nCMD [\"bundle\", \"exec\", \"rackup\", \"-o\", \"0.0.0.0\"]\n",
    );
    case(
        "ruby_user_install",
        "FROM ruby:3.3\nWORKDIR /app\nCOPY . .\nRUN gem install --user-install rack\nCMD [\"ruby\", \"app.rb\"]\n",
    );
    case(
        "ruby_no_install",
        "FROM ruby:3.3\nWORKDIR /app\nCOPY . .\nCMD [\"ruby\", \"app.rb\"]\n",
    );
    with_manifests(
        "ruby_release_suffix_kept",
        "FROM ruby:3.2-bullseye\nWORKDIR /app\nCOPY . .\nRUN bundle install\nCMD [\"ruby\", \"app.rb\"]\n",
    );
    with_manifests(
        "ruby_healthcheck_wget",
        "FROM ruby:3.3\nWORKDIR /app\nCOPY . .\nRUN bundle install\nHEALTHCHECK CMD wget -qO- http://localhost:4567/ || exit 1\nCMD [\"ruby\", \"app.rb\"]\n",
    );
    with_manifests(
        "ruby_freetds_runtime_library",
        "FROM ruby:3.2-bookworm\nRUN apt-get update && apt-get --assume-yes install freetds-dev freetds-bin\nWORKDIR /app\nCOPY Gemfile Gemfile.lock ./\nENV BUNDLE_FROZEN=true\nRUN bundle install\nCOPY . ./\nCMD bundle exec rackup --port 8080 -o 0.0.0.0\n",
    );
}

#[test]
fn php() {
    case(
        "php_composer_install_apache",
        "FROM php:8.3-apache\nCOPY --from=composer:2 /usr/bin/composer /usr/bin/composer\nRUN apt-get update && apt-get install -y --no-install-recommends git unzip && rm -rf /var/lib/apt/lists/*\nCOPY . .\nRUN composer install --no-dev --optimize-autoloader\n",
    );
    case(
        "php_fpm_alpine_with_workdir",
        "FROM php:8.2-fpm-alpine\nWORKDIR /srv/app\nCOPY --from=composer:2 /usr/bin/composer /usr/bin/composer\nCOPY composer.json composer.lock ./\nRUN composer install --no-dev --no-scripts\nCOPY . .\nRUN composer dump-autoload --optimize\nCMD [\"php-fpm\"]\n",
    );
    case(
        "php_extension_self_contained",
        "FROM php:8.3-apache\nRUN apt-get update && apt-get install -y --no-install-recommends libpng-dev \\\n    && docker-php-ext-install gd \\\n    && apt-get purge -y --auto-remove libpng-dev \\\n    && rm -rf /var/lib/apt/lists/*\nCOPY --from=composer:2 /usr/bin/composer /usr/bin/composer\nCOPY . .\nRUN composer install --no-dev\n",
    );
    case(
        "php_extension_keeps_its_build_packages",
        "FROM php:8.3-apache\nRUN apt-get update && apt-get install -y libzip-dev && docker-php-ext-install zip\nCOPY --from=composer:2 /usr/bin/composer /usr/bin/composer\nCOPY . .\nRUN composer install --no-dev\n",
    );
    case(
        "php_extension_needs_an_earlier_run",
        "FROM php:8.3-fpm\nRUN apt-get update && apt-get install -y libpq-dev\nRUN docker-php-ext-install pdo_pgsql\nCOPY --from=composer:2 /usr/bin/composer /usr/bin/composer\nCOPY . .\nRUN composer install\nCMD [\"php-fpm\"]\n",
    );
    case(
        "php_extension_without_packages",
        "FROM php:8.4-apache\nRUN docker-php-ext-install -j \"$(nproc)\" opcache\nCOPY --from=composer:2 /usr/bin/composer /usr/bin/composer\nWORKDIR /var/www/html\nCOPY . ./\nRUN composer install --no-dev\nRUN mv \"$PHP_INI_DIR/php.ini-production\" \"$PHP_INI_DIR/php.ini\"\n",
    );
    case(
        "php_alpine_virtual_build_deps_pecl",
        "FROM php:8.3-fpm-alpine\nRUN apk add --no-cache --virtual .build-deps $PHPIZE_DEPS \\\n    && pecl install redis \\\n    && docker-php-ext-enable redis \\\n    && apk del .build-deps\nCOPY --from=composer:2 /usr/bin/composer /usr/bin/composer\nCOPY . /var/www/html\nRUN composer install --no-dev\nCMD [\"php-fpm\"]\n",
    );
    case(
        "php_no_composer",
        "FROM php:8.3-apache\nCOPY index.php /var/www/html/\nRUN sed -i 's/80/${PORT}/g' /etc/apache2/sites-available/000-default.conf /etc/apache2/ports.conf\n",
    );
    case(
        "php_cmd_runs_composer",
        "FROM php:8.3-cli\nCOPY --from=composer:2 /usr/bin/composer /usr/bin/composer\nWORKDIR /app\nCOPY . .\nRUN composer install\nCMD [\"composer\", \"run\", \"serve\"]\n",
    );
    case(
        "php_cli_script",
        "FROM php:8.3-cli\nCOPY --from=composer:2 /usr/bin/composer /usr/bin/composer\nWORKDIR /app\nCOPY . .\nRUN composer install --no-dev\nCMD [\"php\", \"worker.php\"]\n",
    );
    case(
        "php_healthcheck_curl_from_the_image",
        "FROM php:8.3-apache\nCOPY --from=composer:2 /usr/bin/composer /usr/bin/composer\nRUN apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/*\nCOPY . .\nRUN composer install --no-dev\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\n",
    );
}

#[test]
fn c_and_cpp() {
    case(
        "c_gcc12_make_with_output",
        "FROM gcc:12\nWORKDIR /src\nCOPY . .\nRUN gcc -O2 -o /usr/local/bin/hello hello.c\nCMD [\"hello\"]\n",
    );
    case(
        "c_gcc13_needs_its_libstdcxx",
        "FROM gcc:13\nWORKDIR /src\nCOPY . .\nRUN g++ -O2 -o /app main.cpp\nCMD [\"/app\"]\n",
    );
    case(
        "c_gcc_install_into_usr_local",
        "FROM gcc:12\nWORKDIR /src\nCOPY . .\nRUN ./configure && make && make install\nCMD [\"server\"]\n",
    );
    case_in(
        "c_gcc_install_prefix",
        "FROM gcc:12-bookworm\nWORKDIR /src\nCOPY . .\nRUN ./configure --prefix=/opt/app && make -j4 && make install\nCMD [\"/opt/app/bin/server\"]\n",
        &[(
            "configure.ac",
            "AC_INIT([server], [1.0])\nAC_PROG_CC\nAC_CHECK_LIB([pq], [PQconnectdb])\nAC_CHECK_LIB([z], [deflate])\nAC_OUTPUT\n",
        )],
    );
    case_in(
        "c_makefile_links_a_library_from_the_image",
        "FROM gcc:12\nWORKDIR /src\nCOPY . .\nRUN make\nCMD [\"./fetch\"]\n",
        &[
            (
                "Makefile",
                "LDLIBS = -lcurl -lssl -lcrypto\nfetch: fetch.c\n\t$(CC) -o $@ $< $(LDLIBS)\n",
            ),
            ("fetch.c", "int main(void) { return 0; }\n"),
        ],
    );
    case_in(
        "c_unknown_library",
        "FROM gcc:12\nWORKDIR /src\nCOPY . .\nRUN make\nCMD [\"./game\"]\n",
        &[("Makefile", "game: game.c\n\t$(CC) -o $@ $< -lSDL2\n")],
    );
    case(
        "c_compiler_run_links_a_library",
        "FROM gcc:12\nWORKDIR /src\nCOPY . .\nRUN gcc -O2 -o /usr/local/bin/db db.c -lsqlite3 -lm\nCMD [\"db\"]\n",
    );
    case_in(
        "c_gcc_cmake_prefix",
        "FROM gcc:11\nRUN apt-get update && apt-get install -y cmake libssl-dev && rm -rf /var/lib/apt/lists/*\nWORKDIR /src\nCOPY . .\nRUN cmake -S . -B build -DCMAKE_INSTALL_PREFIX=/opt/svc && cmake --build build && cmake --install build\nENTRYPOINT [\"/opt/svc/bin/svc\"]\n",
        &[(
            "CMakeLists.txt",
            "cmake_minimum_required(VERSION 3.20)\nproject(svc C)\nfind_package(OpenSSL REQUIRED)\nfind_package(PkgConfig REQUIRED)\npkg_check_modules(CURL REQUIRED libcurl>=7.80)\nadd_library(util STATIC util.c)\nadd_executable(svc main.c)\ntarget_link_libraries(svc PRIVATE util OpenSSL::SSL ${CURL_LIBRARIES} m)\ninstall(TARGETS svc)\n",
        )],
    );
    case(
        "c_runs_make",
        "FROM gcc:12\nWORKDIR /src\nCOPY . .\nRUN make\nCMD [\"make\", \"run\"]\n",
    );
    case(
        "c_destdir",
        "FROM gcc:12\nWORKDIR /src\nCOPY . .\nRUN make && make install DESTDIR=/pkg\nCMD [\"/pkg/usr/local/bin/app\"]\n",
    );
    case(
        "c_binary_in_app_without_context",
        "FROM gcc:12\nWORKDIR /src\nCOPY . .\nRUN make\nCMD [\"./server\"]\n",
    );
    case(
        "c_distro_build_essential_make_install",
        "FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y --no-install-recommends build-essential cmake libcurl4-openssl-dev ca-certificates && rm -rf /var/lib/apt/lists/*\nWORKDIR /src\nCOPY . .\nRUN cmake -S . -B build && cmake --build build && cmake --install build\nCMD [\"fetcher\"]\n",
    );
    case(
        "c_distro_alpine_make",
        "FROM alpine:3.20\nRUN apk add --no-cache build-base\nWORKDIR /src\nCOPY . .\nRUN make PREFIX=/opt/tool install\nENTRYPOINT [\"/opt/tool/bin/tool\"]\n",
    );
    case(
        "c_cuda_install_into_usr_local",
        "FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\nRUN apt-get update && apt-get install -y cmake\nWORKDIR /src\nCOPY . .\nRUN cmake -B build && cmake --build build && cmake --install build\nCMD [\"bench\"]\n",
    );
    case(
        "c_digest_pinned",
        "FROM gcc:12@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\nWORKDIR /src\nCOPY . .\nRUN gcc -o /hello hello.c\nCMD [\"/hello\"]\n",
    );
    case_in(
        "c_binary_in_app_with_context",
        "FROM gcc:12\nWORKDIR /src\nCOPY . .\nRUN make\nCMD [\"./server\"]\n",
        &[
            ("Makefile", "server: server.c\n\tcc -o server server.c\n"),
            ("server.c", "int main(void) { return 0; }\n"),
        ],
    );
}

#[test]
fn unreadable_manifests_on_full_images() {
    case(
        "python_requirements_not_in_the_context",
        "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n",
    );
    case(
        "python_slim_builder_needs_no_manifest",
        "FROM python:3.12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev && rm -rf /var/lib/apt/lists/*\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n",
    );
    case(
        "ruby_gemfile_not_in_the_context",
        "FROM ruby:3.3\nWORKDIR /app\nCOPY . .\nRUN bundle install\nCMD [\"ruby\", \"app.rb\"]\n",
    );
}
