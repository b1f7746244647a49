import * as http from 'node:http';
import type { RawGatewayService } from '../gateway/server';
import type { DynamoDbLocal } from './dynamodb-local';

/**
 * Forwards DynamoDB requests (`X-Amz-Target: DynamoDB_20120810.*`) to AWS's DynamoDB Local, so
 * every service answers on the one endpoint. Bodies and headers pass through untouched.
 */
export function dynamoDbProxy(dynamo: DynamoDbLocal, onRequest?: (operation: string) => void): RawGatewayService {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  return {
    targetPrefix: 'DynamoDB_20120810',
    name: 'dynamodb',
    proxy(request, body, response) {
      const target = String(request.headers['x-amz-target'] ?? '');
      onRequest?.(target.slice(target.indexOf('.') + 1));
      const upstream = http.request(
        { host: '127.0.0.1', port: dynamo.port, method: request.method, path: request.url, headers: { ...request.headers, host: `127.0.0.1:${dynamo.port}`, 'content-length': body.length }, agent },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      upstream.on('error', (error) => {
        if (response.headersSent) return response.destroy();
        const text = JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: `DynamoDB Local is not reachable: ${error.message}` });
        response.writeHead(500, { 'Content-Type': 'application/x-amz-json-1.0', 'Content-Length': Buffer.byteLength(text) });
        response.end(text);
      });
      upstream.end(body);
    },
  };
}
