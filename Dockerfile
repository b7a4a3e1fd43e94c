# One image for every service: build once, run with SERVICE=<name>.
FROM node:20.19-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json nx.json tsconfig.base.json jest.preset.js ./
COPY libs libs
COPY services services
COPY e2e/package.json e2e/package.json
RUN npm install --no-audit --no-fund && npx nx run-many -t build --output-style=static

FROM node:20.19-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app /app
USER node
# exec: node is PID 1 and gets SIGTERM itself (docker stop, compose) and drains; a shell in between
# would not pass it on. Kubernetes runs `node services/<name>/dist/main.js` directly (deploy/k8s),
# and the migrations one-shots `node services/<name>/dist/migrate.js`.
CMD ["sh", "-c", "exec node services/${SERVICE}/dist/main.js"]
