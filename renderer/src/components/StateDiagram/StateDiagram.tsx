// A job's or a drive's state diagram as SVG, drawn from the life cycle's transition tables
// (layout.ts places it): the current state filled, the path taken in the brand colour with a solid
// border, states still possible outlined, states no longer reachable dashed and faded. Shapes and
// borders differ as well as colours, so the diagram reads without colour; colours are Fluent
// tokens, so it follows the light or dark theme. Screen readers get a title and a description
// that lists the path taken.
import { useId, useMemo } from 'react';
import { tokens } from '@fluentui/react-components';
import type { Verdict } from '../../../../shared/jobs/schemas';
import { describeDiagram, layoutDiagram, type DiagramKind, type LaidEdge, type LaidNode } from './layout';

export interface StateDiagramProps {
  kind: DiagramKind;
  /** Shown above the diagram and read as its name, e.g. "Job state" or "Drive WD123 state". */
  title: string;
  current?: string;
  /** States observed, oldest first. */
  observed?: readonly string[];
  faultedFrom?: string;
  /** What came of the copy (the verdict), named in the legend: "now" alone would not say it. */
  outcome?: Pick<Verdict, 'label' | 'tone' | 'headline'> | undefined;
}

const OUTCOME_COLOR: Record<Verdict['tone'], string> = {
  success: tokens.colorPaletteGreenForeground1,
  warning: tokens.colorPaletteDarkOrangeForeground1,
  danger: tokens.colorPaletteRedForeground1,
  informative: tokens.colorNeutralForeground2,
  brand: tokens.colorBrandForeground1,
  subtle: tokens.colorNeutralForeground3,
};

const NODE_STYLE: Record<
  LaidNode['status'],
  { fill: string; stroke: string; strokeWidth: number; dash?: string; text: string; weight: number; opacity: number }
> = {
  current: {
    fill: tokens.colorBrandBackground,
    stroke: tokens.colorBrandStroke1,
    strokeWidth: 2,
    text: tokens.colorNeutralForegroundOnBrand,
    weight: 700,
    opacity: 1,
  },
  visited: {
    fill: tokens.colorBrandBackground2,
    stroke: tokens.colorBrandStroke1,
    strokeWidth: 2,
    text: tokens.colorBrandForeground2,
    weight: 600,
    opacity: 1,
  },
  reachable: {
    fill: tokens.colorNeutralBackground1,
    stroke: tokens.colorNeutralStroke1,
    strokeWidth: 1,
    text: tokens.colorNeutralForeground1,
    weight: 400,
    opacity: 1,
  },
  unreachable: {
    fill: tokens.colorNeutralBackground3,
    stroke: tokens.colorNeutralStroke2,
    strokeWidth: 1,
    dash: '4 3',
    text: tokens.colorNeutralForeground4,
    weight: 400,
    opacity: 0.6,
  },
};

const STATUS_WORDS: Record<LaidNode['status'], string> = {
  current: 'now',
  visited: 'passed',
  reachable: 'still possible',
  unreachable: 'no longer reachable',
};

type EdgeLook = 'taken' | 'possible' | 'dim';

function edgeLook(e: LaidEdge): EdgeLook {
  return e.taken ? 'taken' : e.possible ? 'possible' : 'dim';
}

const EDGE_STYLE: Record<EdgeLook, { stroke: string; width: number; opacity: number }> = {
  taken: { stroke: tokens.colorBrandStroke1, width: 2.5, opacity: 1 },
  possible: { stroke: tokens.colorNeutralStrokeAccessible, width: 1.25, opacity: 1 },
  dim: { stroke: tokens.colorNeutralStroke1, width: 1, opacity: 0.45 },
};

export function StateDiagram({ kind, title, current, observed, faultedFrom, outcome }: StateDiagramProps) {
  const id = useId().replace(/:/g, '');
  const layout = useMemo(
    () => layoutDiagram({ kind, current, observed, faultedFrom }),
    [kind, current, observed, faultedFrom],
  );
  const description = `${describeDiagram(layout)}${outcome ? ` Outcome: ${outcome.label}. ${outcome.headline}` : ''}`;
  const marker = (look: EdgeLook) => `${id}-head-${look}`;
  // Taken edges last, so the path is drawn over the other arrows.
  const edges = [...layout.edges].sort((a, b) => Number(a.taken) - Number(b.taken));

  return (
    <figure
      style={{ margin: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, minWidth: 0 }}
      data-testid={`diagram-${kind}`}
      data-current={current ?? ''}
    >
      {/* Focusable so a keyboard can scroll it sideways when the window is narrow (or zoomed). */}
      <div style={{ overflowX: 'auto', overflowY: 'hidden' }} tabIndex={0} role="region" aria-label={title}>
        <svg
          role="img"
          aria-labelledby={`${id}-title`}
          aria-describedby={`${id}-desc`}
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          width="100%"
          style={{ display: 'block', maxWidth: `${layout.width}px`, minWidth: '520px', height: 'auto' }}
        >
          <title id={`${id}-title`}>{title}</title>
          <desc id={`${id}-desc`}>{description}</desc>
          <defs>
            {(Object.keys(EDGE_STYLE) as EdgeLook[]).map((look) => (
              <marker
                key={look}
                id={marker(look)}
                viewBox="0 0 10 10"
                refX="9"
                refY="5"
                markerWidth="7"
                markerHeight="7"
                orient="auto-start-reverse"
                markerUnits="userSpaceOnUse"
              >
                <path
                  d="M 0 0 L 10 5 L 0 10 z"
                  style={{ fill: EDGE_STYLE[look].stroke, opacity: EDGE_STYLE[look].opacity }}
                />
              </marker>
            ))}
          </defs>
          <g>
            {edges.map((e) => (
              <Edge key={e.key} e={e} marker={marker} />
            ))}
          </g>
          <g>
            {layout.nodes.map((n) => (
              <Node key={n.id} n={n} />
            ))}
          </g>
        </svg>
      </div>
      <Caption current={current} outcome={outcome} />
    </figure>
  );
}

/** One transition: its look (taken, possible, dim), dashed when it is a fault's, with what causes it. */
function Edge({ e, marker }: { e: LaidEdge; marker: (look: EdgeLook) => string }) {
  const look = edgeLook(e);
  const s = EDGE_STYLE[look];
  return (
    <path
      d={e.d}
      data-edge={`${e.from}->${e.to}`}
      data-look={look}
      markerEnd={e.headAtTo ? `url(#${marker(look)})` : undefined}
      markerStart={e.headAtFrom ? `url(#${marker(look)})` : undefined}
      style={{
        fill: 'none',
        stroke: s.stroke,
        strokeWidth: s.width,
        opacity: s.opacity,
        strokeDasharray: e.fault ? '5 4' : undefined,
      }}
    >
      <title>{`${e.from} → ${e.to}${e.headAtFrom ? ' (and back)' : ''}: ${e.labels.join('; ')} (${e.rules.join(', ')})`}</title>
    </path>
  );
}

/** One state: a box (square-cornered when final) in its status's look, ringed when it is the current one. */
function Node({ n }: { n: LaidNode }) {
  const s = NODE_STYLE[n.status];
  return (
    <g data-state={n.id} data-status={n.status} style={{ opacity: s.opacity }}>
      <title>{`${n.label}: ${STATUS_WORDS[n.status]}`}</title>
      <rect
        x={n.x}
        y={n.y}
        width={n.width}
        height={n.height}
        rx={n.terminal ? 4 : 18}
        style={{ fill: s.fill, stroke: s.stroke, strokeWidth: s.strokeWidth, strokeDasharray: s.dash }}
      />
      {n.status === 'current' && (
        <rect
          x={n.x - 4}
          y={n.y - 4}
          width={n.width + 8}
          height={n.height + 8}
          rx={n.terminal ? 7 : 22}
          style={{ fill: 'none', stroke: tokens.colorBrandStroke1, strokeWidth: 1.5 }}
        />
      )}
      <text
        x={n.x + n.width / 2}
        y={n.y + n.height / 2}
        dominantBaseline="central"
        textAnchor="middle"
        style={{ fill: s.text, fontSize: '13px', fontWeight: s.weight, fontFamily: tokens.fontFamilyBase }}
      >
        {n.label}
      </text>
    </g>
  );
}

/** The key under the diagram: the outcome beside the current state, the statuses and the fault arrows. */
function Caption({ current, outcome }: Pick<StateDiagramProps, 'current' | 'outcome'>) {
  return (
    <figcaption
      aria-hidden
      style={{
        display: 'flex',
        flexWrap: 'wrap',
        gap: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalL}`,
        alignItems: 'center',
        fontSize: tokens.fontSizeBase200,
        color: tokens.colorNeutralForeground2,
      }}
    >
      <Legend status="current" />
      {outcome && (
        <span
          data-testid="diagram-outcome"
          style={{ color: OUTCOME_COLOR[outcome.tone], fontWeight: tokens.fontWeightSemibold }}
        >
          {current ? `${current}: ` : ''}
          {outcome.label}
        </span>
      )}
      <Legend status="visited" />
      <Legend status="reachable" />
      <Legend status="unreachable" />
      <span style={{ display: 'inline-flex', alignItems: 'center', gap: tokens.spacingHorizontalXS }}>
        <svg width="22" height="8" aria-hidden>
          <line
            x1="0"
            y1="4"
            x2="22"
            y2="4"
            style={{ stroke: tokens.colorNeutralStrokeAccessible, strokeWidth: 1.25, strokeDasharray: '5 4' }}
          />
        </svg>
        fault and recovery (F1, F2)
      </span>
    </figcaption>
  );
}

function Legend({ status }: { status: LaidNode['status'] }) {
  const s = NODE_STYLE[status];
  return (
    <span style={{ display: 'inline-flex', alignItems: 'center', gap: tokens.spacingHorizontalXS }}>
      <svg width="18" height="12" aria-hidden style={{ opacity: s.opacity }}>
        <rect
          x="1"
          y="1"
          width="16"
          height="10"
          rx="5"
          style={{
            fill: s.fill,
            stroke: s.stroke,
            strokeWidth: s.strokeWidth,
            strokeDasharray: s.dash ? '2 2' : undefined,
          }}
        />
      </svg>
      {STATUS_WORDS[status]}
    </span>
  );
}
