# Một Cửa app image (run with docker-compose.yml: PostgreSQL + the app)
# build: every dependency, the pages (vite) and the server (tsc) into dist/
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# no dependency's install script runs (package.json "allowScripts"; this image's npm 10 reads only the flag)
RUN npm install --no-audit --no-fund --ignore-scripts
COPY . .
RUN npm run build

# run: the compiled server and the runtime dependencies only (no vite, tsx, typescript, jest)
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production PORT=3000 HOST=0.0.0.0
COPY package.json package-lock.json .npmrc ./
RUN npm install --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force
# the sources too: `npm run staff:create` (and db:migrate, seed:demo) checks the build against them, finds it up to date
COPY . .
COPY --from=build /app/dist ./dist
EXPOSE 3000
USER node
# node itself is PID 1, so SIGTERM reaches the graceful shutdown in server/main.ts (npm would stand in between)
CMD ["node", "dist/server/server/main.js"]
