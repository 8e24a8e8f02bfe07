// Stylesheets are bundled by esbuild into app.css next to app.js.
declare module '*.css';
