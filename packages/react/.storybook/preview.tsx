import type { Preview } from '@storybook/react-vite';
import { LatchkeyStory, type LatchkeyStoryParameters } from '../src/testing/latchkey-story.js';
import '../src/styles.css';

const preview: Preview = {
  parameters: { layout: 'fullscreen' },
  decorators: [
    (Story, context) => (
      // A key per story: every story gets a fresh mock server and authenticator.
      <LatchkeyStory
        key={context.id}
        parameters={context.parameters.latchkey as LatchkeyStoryParameters | undefined}
      >
        <Story />
      </LatchkeyStory>
    ),
  ],
};

export default preview;
