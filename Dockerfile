# Một Cửa app image (run with docker-compose.yml: PostgreSQL + the app)
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY . .
RUN npm run build
ENV NODE_ENV=production PORT=3000 HOST=0.0.0.0
EXPOSE 3000
USER node
# node itself is PID 1, so SIGTERM reaches the graceful shutdown in server/main.ts (npx would stand in between)
CMD ["node", "--import", "tsx", "server/main.ts"]
