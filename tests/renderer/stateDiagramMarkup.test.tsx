// The diagram as the browser gets it (server-rendered markup): an image with a name and a
// description listing the path, one group per state carrying its status.
import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { StateDiagram } from '../../renderer/src/components/StateDiagram/StateDiagram';

describe('StateDiagram markup', () => {
  it('is an image named by its title and described by the path taken', () => {
    const html = renderToStaticMarkup(
      <StateDiagram kind="job" title="Job state" current="Shipping" observed={['Creating']} />,
    );
    const svg = /<svg[^>]*>/.exec(html)?.[0] ?? '';
    expect(svg).toContain('role="img"');
    const name = /aria-labelledby="([^"]+)"/.exec(svg)?.[1];
    const desc = /aria-describedby="([^"]+)"/.exec(svg)?.[1];
    expect(html).toContain(`<title id="${name}">Job state</title>`);
    expect(html).toMatch(
      new RegExp(`<desc id="${desc}">Job state now: Shipping\\. Path taken: Creating → Shipping\\.`),
    );
  });

  it('draws each state once with its status, Creating lit for a new job and its drives Specified', () => {
    const job = renderToStaticMarkup(<StateDiagram kind="job" title="Job state" current="Creating" />);
    expect(job.match(/data-state="/g)).toHaveLength(8);
    expect(job).toMatch(/data-state="Creating" data-status="current"/);
    const drive = renderToStaticMarkup(<StateDiagram kind="drive" title="Drive state" current="Specified" />);
    expect(drive.match(/data-state="/g)).toHaveLength(8);
    expect(drive).toMatch(/data-state="Specified" data-status="current"/);
    expect(drive).not.toMatch(/data-status="unreachable"/);
  });

  it('dims the states a Completed job can no longer reach and marks the ones it passed', () => {
    const html = renderToStaticMarkup(
      <StateDiagram
        kind="job"
        title="Job state"
        current="Completed"
        observed={['Creating', 'Shipping', 'Received', 'Transferring']}
      />,
    );
    for (const s of ['Closed', 'Faulted'])
      expect(html).toMatch(new RegExp(`data-state="${s}" data-status="unreachable"`));
    for (const s of ['Creating', 'Shipping', 'Received', 'Transferring', 'Packaging'])
      expect(html).toMatch(new RegExp(`data-state="${s}" data-status="visited"`));
  });
});
