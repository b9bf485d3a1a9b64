import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Kind of delivery failure. `blocked_address` and `invalid_url` are found here before anything is sent,
 * and the other kinds come from the endpoint or the network.
 */
export type DeliveryFailureKind = 'invalid_url' | 'blocked_address' | 'timeout' | 'network' | 'http_status';

export class DeliveryError extends Error {
  constructor(readonly kind: DeliveryFailureKind, message: string, readonly statusCode?: number) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export interface SendOptions {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  /** Lets loopback and private addresses through (local development and tests only). */
  allowPrivateAddresses: boolean;
}

/** How much of a response body is kept for the delivery attempt record. */
const MAX_RESPONSE_BYTES = 4096;

/**
 * Returns why an address must not receive notifications, or undefined when it is public unicast.
 * Loopback, private, link-local (cloud metadata), carrier-grade NAT, multicast and reserved ranges
 * are all refused, and IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry.
 */
export function blockedAddressReason(address: string): string | undefined {
  if (!ipaddr.isValid(address)) {
    return `${address} is not an IP address`;
  }
  const range = ipaddr.process(address).range();
  // "is in the unspecified range" reads right for every ipaddr.js range name, where "a"/"an" would not.
  return range === 'unicast' ? undefined : `${address} is in the ${range} range`;
}

/**
 * POSTs a notification once, without following redirects. The address check runs inside the
 * connection's DNS lookup, so the address that is checked is the address that is connected to
 * (a name cannot resolve to a public address for the check and a private one for the request).
 * Resolves with the status code and at most 4096 characters of the body of a 2xx response.
 * Rejects with a DeliveryError otherwise.
 */
export function sendNotification(options: SendOptions): Promise<{ statusCode: number; responseBody: string }> {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    return Promise.reject(new DeliveryError('invalid_url', `${options.url} is not a valid URL`));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return Promise.reject(new DeliveryError('invalid_url', `${url.protocol} URLs are not supported; use https`));
  }

  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  if (!options.allowPrivateAddresses && net.isIP(hostname)) {
    const reason = blockedAddressReason(hostname);
    if (reason) {
      return Promise.reject(new DeliveryError('blocked_address', `Refused to deliver to ${url.host}: ${reason}.`));
    }
  }

  const lookup: net.LookupFunction = (name, lookupOptions, callback) => {
    dns.lookup(name, { all: true, family: lookupOptions.family }, (error, addresses) => {
      if (error) {
        callback(error, '', 0);
        return;
      }
      if (!options.allowPrivateAddresses) {
        for (const { address } of addresses) {
          const reason = blockedAddressReason(address);
          if (reason) {
            callback(new DeliveryError('blocked_address', `Refused to deliver to ${name}: ${reason}.`), '', 0);
            return;
          }
        }
      }
      if (lookupOptions.all) {
        (callback as unknown as (err: null, all: dns.LookupAddress[]) => void)(null, addresses);
      } else {
        callback(null, addresses[0].address, addresses[0].family);
      }
    });
  };

  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(
      url,
      {
        method: 'POST',
        headers: { ...options.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(options.body) },
        lookup,
        agent: false,
        timeout: options.timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size < MAX_RESPONSE_BYTES) {
            chunks.push(chunk);
            size += chunk.length;
          }
        });
        response.on('end', () => {
          clearTimeout(deadline);
          const statusCode = response.statusCode ?? 0;
          const responseBody = Buffer.concat(chunks).toString('utf8').slice(0, MAX_RESPONSE_BYTES);
          if (statusCode >= 200 && statusCode < 300) {
            resolve({ statusCode, responseBody });
          } else {
            reject(new DeliveryError('http_status', `The endpoint responded with ${statusCode}.`, statusCode));
          }
        });
        response.on('error', (error) => fail(error));
      },
    );

    // The socket timeout only covers idle time, so this timer bounds the whole exchange.
    const deadline = setTimeout(() => request.destroy(new DeliveryError('timeout', `No response within ${options.timeoutMs} ms.`)), options.timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(deadline);
      reject(error instanceof DeliveryError ? error : new DeliveryError('network', error.message));
    };
    request.on('timeout', () => request.destroy(new DeliveryError('timeout', `No response within ${options.timeoutMs} ms.`)));
    request.on('error', fail);
    request.end(options.body);
  });
}
