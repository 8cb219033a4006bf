const token = new URLSearchParams(location.search).get("token");
const socket = new WebSocket(`ws://${location.host}/ws/alerts?token=${encodeURIComponent(token)}`);
