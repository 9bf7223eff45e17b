import { preloadRoute } from './app/preload-route';

// The entry is small on purpose: React and the app shell load alongside the opened view's code,
// and what that view needs starts early (see preloadRoute).
const app = import('./app/start-console');
preloadRoute(window.location.pathname);
void app.then((module) => module.startConsole());
