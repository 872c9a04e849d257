/** A kubeconfig for the simulated API server (plain HTTP, so TLS verification is off). */
export function kubeconfigYaml(serverUrl: string, contextName = 'meshviz-demo'): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `  - name: ${contextName}`,
    '    cluster:',
    `      server: ${serverUrl}`,
    '      insecure-skip-tls-verify: true',
    'users:',
    `  - name: ${contextName}`,
    '    user:',
    '      token: meshviz-demo',
    'contexts:',
    `  - name: ${contextName}`,
    '    context:',
    `      cluster: ${contextName}`,
    `      user: ${contextName}`,
    `current-context: ${contextName}`,
    '',
  ].join('\n');
}
