import type { StorybookConfig } from '@storybook/react-vite';

const config: StorybookConfig = {
  stories: ['../src/**/*.stories.tsx'],
  // No addons: the stories run against an in-browser mock server, nothing else is needed.
  addons: [],
  framework: { name: '@storybook/react-vite', options: {} },
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  // Prop tables are not needed for these stories, and docgen is the slowest part of a build.
  typescript: { reactDocgen: false },
  viteFinal(viteConfig) {
    viteConfig.build = viteConfig.build ?? {};
    const rollupOptions = viteConfig.build.rollupOptions ?? {};
    viteConfig.build.rollupOptions = rollupOptions;
    const previous = rollupOptions.onwarn;
    // Every source file starts with 'use client' on purpose (React Server Components); a bundle
    // for the browser drops the directive, which is what we want here.
    rollupOptions.onwarn = (warning, warn) => {
      if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
      if (previous) previous(warning, warn);
      else warn(warning);
    };
    return viteConfig;
  },
};

export default config;
