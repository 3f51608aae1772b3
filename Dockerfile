# Reverify: build once in a stage with the dev dependencies, run the built JavaScript as a non-root
# user in a stage without them. Not built in this repository's CI (no registry for base images there):
# keep it plain. Build: docker build -t reverify .   Run: see compose.yaml and docs/deployment.md.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles where no prebuilt binary fits.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY scripts/ scripts/
COPY tsconfig.json tsconfig.build.json ./
COPY src/ src/
COPY bin/ bin/
# Installs everything and builds dist/ (the prepare script), then drops the dev dependencies.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    REVERIFY_HOST=0.0.0.0 \
    REVERIFY_PORT=8080 \
    REVERIFY_DATABASE_URL=sqlite:/data/reverify.db
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules/ node_modules/
COPY --from=build /app/dist/ dist/
COPY --from=build /app/bin/ bin/
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
# Ready means: the process answers and its database is reachable and migrated.
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.REVERIFY_PORT||8080)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM drains the sends in flight before exiting.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "--max-semi-space-size=8", "--heap-growing-percent=25", "bin/reverify.js"]
CMD ["start"]
