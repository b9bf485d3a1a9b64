# syntax=docker/dockerfile:1
# One image for the API, the worker and the one-shot setup job; docker-compose.yml picks the command.

# Build stage: full dependencies, compile TypeScript, then drop the dev dependencies.
FROM node:20.20.2-bookworm-slim AS build
WORKDIR /app
# sqlite3 compiles from source when no prebuilt binary matches the platform.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

# Runtime stage: compiled JavaScript and production dependencies only, run as the unprivileged `node` user.
FROM node:20.20.2-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json /app/package-lock.json ./
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --chown=root:root bin ./bin
USER node
EXPOSE 3000
CMD ["node", "dist/src/api/server.js"]
