/**
 * Runs React DOM's own start-up (its module body: event tables, scheduler, ~200 KB of code set up) in
 * a main-thread task of its own: a prerendered page's start (src/boot.ts) imports this before the
 * router and the app, so no one task holds all of them.
 */
import 'react-dom/client';
