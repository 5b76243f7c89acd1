# One image build for the three Spaceport apps; pick one with a target:
#   docker build --target gateway .        (also: config-service, event-worker, demo-receiver)
# docker-compose.yml builds each service from its target. Stages share the build, so it runs once.
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: all dependencies, compile, then drop dev dependencies --------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# A CA bundle for an intercepting proxy reaches npm only as a BuildKit build secret `npm_ca`, mounted
# for this one step and never stored in a layer (e.g. `docker build --secret id=npm_ca,src=<bundle> .`;
# `npm run test:compose` passes the host's bundle); without it npm uses its own CAs.
RUN --mount=type=secret,id=npm_ca,required=false \
    if [ -s /run/secrets/npm_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi \
 && npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.build.json ./
COPY apps ./apps
COPY libs ./libs
# `npm run build` = tsc -p tsconfig.build.json && tsc-alias → dist/apps/<app>/src/main.js
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: production dependencies + compiled output, non-root --------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# the apps run as `node`: /app is theirs, so a standalone config-service can write its config file there
RUN chown node:node /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
# Node handles SIGTERM itself (graceful close, exit 0); compose adds an init for zombie reaping.
STOPSIGNAL SIGTERM

FROM runtime AS config-service
EXPOSE 4124
CMD ["node", "dist/apps/config-service/src/main.js"]

FROM runtime AS event-worker
EXPOSE 4126
CMD ["node", "dist/apps/event-worker/src/main.js"]

# demo webhook receiver for the demo trigger (`npm run demo`); not part of Spaceport's data path
FROM runtime AS demo-receiver
EXPOSE 4120
CMD ["node", "dist/apps/demo-receiver/src/main.js"]

# last stage: the default target of a plain `docker build .`
FROM runtime AS gateway
EXPOSE 4122
CMD ["node", "dist/apps/gateway/src/main.js"]
