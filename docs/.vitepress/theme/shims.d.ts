// Single-file components are compiled by Vite; tsc sees them as components.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent;
  export default component;
}

// Stylesheets are bundled by Vite; importing one yields nothing tsc needs to know.
declare module '*.css';
