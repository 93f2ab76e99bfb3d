import axe from 'axe-core';

/**
 * Runs axe-core on a rendered container and throws with the violations, if any.
 * Colour contrast needs layout, which jsdom does not do; it is checked in the
 * stories instead.
 *
 * @example
 * await expectAccessible(container);
 */
export async function expectAccessible(container: Element): Promise<void> {
  const results = await axe.run(container, {
    rules: { 'color-contrast': { enabled: false } },
  });
  if (results.violations.length > 0) {
    const report = results.violations
      .map((v) => `${v.id}: ${v.help}\n  ${v.nodes.map((n) => n.html).join('\n  ')}`)
      .join('\n');
    throw new Error(`axe found ${results.violations.length} violation(s):\n${report}`);
  }
}
