import type { Incident } from '../../model/incident';
import type { Msg } from '../../model/message-text';
import type { VerdictKind } from '../../model/verdict';

/**
 * The chain a page load goes through — you → DNS → gateway/CDN → the site's own server — with
 * the link that failed marked, for the picture in the popup and the guide.
 */
export type LinkState = 'ok' | 'failed' | 'unknown';
export interface ChainNode {
  id: 'you' | 'dns' | 'gateway' | 'origin';
  label: Msg;
  /** Brand and data centre, shown under the label; never translated. */
  detail?: string;
  state: LinkState;
}

export function chainFor(incident: Incident, verdict?: VerdictKind): ChainNode[] {
  const gateway = incident.platform;
  const nodes: ChainNode[] = [
    { id: 'you', label: { key: 'chain_you' }, state: 'ok' },
    { id: 'dns', label: { key: 'chain_dns' }, state: 'ok' },
    ...(gateway
      ? [
          {
            id: 'gateway' as const,
            label: { key: 'chain_gateway' },
            detail: gateway.pop ? `${gateway.name} · ${gateway.pop}` : gateway.name,
            state: 'ok' as LinkState,
          },
        ]
      : []),
    { id: 'origin', label: { key: 'chain_origin' }, detail: incident.host, state: 'ok' },
  ];
  const mark = (id: ChainNode['id'], state: LinkState = 'failed'): void => {
    for (const node of nodes) if (node.id === id) node.state = state;
  };
  if (verdict === 'just-you-connection') mark('you');
  else if (verdict === 'just-you-dns') mark('dns');
  else if (verdict === 'back-up') return nodes;
  else if (incident.kind === 'network') {
    switch (incident.netError) {
      case 'offline':
        mark('you');
        break;
      case 'dns':
        mark('dns');
        break;
      case 'refused':
        mark('origin');
        break;
      default:
        mark('origin', 'unknown');
        mark('dns', 'unknown');
    }
  } else if (incident.fault === 'dns') {
    mark('origin'); // the gateway could not resolve the site's own server
  } else if (incident.fault === 'gateway') {
    mark('gateway');
  } else {
    // An HTTP error: DNS worked and something answered. With a gateway in front, the server behind it failed.
    mark('origin');
  }
  return nodes;
}
