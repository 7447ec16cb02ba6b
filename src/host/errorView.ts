import * as vscode from 'vscode';
import type { GatewayError } from '../core/gatewayError';
import type { ErrorAction, ErrorView } from '../shared/protocol';
import type { ChatConfiguration } from './configuration';

/** Words for each failure: what happened, the gateway's own message, and what the user can do about it. */
export function describeGatewayError(error: GatewayError, config: ChatConfiguration): ErrorView {
  const status = error.status ?? 0;
  const said = error.message;
  const view = (title: string, advice: string, actions: ErrorAction[]): ErrorView => ({
    title,
    detail: [said, advice].filter(Boolean).join('\n'),
    actions,
  });
  switch (error.kind) {
    case 'unauthorized':
      return view(
        vscode.l10n.t('The gateway refused the API key (401).'),
        vscode.l10n.t('Set a valid API key for {0}.', error.host),
        ['setApiKey', 'retry'],
      );
    case 'paymentRequired':
      return view(vscode.l10n.t('The account has no credit left (402).'), vscode.l10n.t('Add credit at your gateway, then retry.'), ['retry']);
    case 'forbidden':
      return view(
        vscode.l10n.t('The gateway refused the request (403).'),
        vscode.l10n.t('The key may not have access to this model, or the request was blocked.'),
        ['openSettings', 'setApiKey'],
      );
    case 'notFound':
      return view(
        vscode.l10n.t('Not found (404).'),
        vscode.l10n.t('Check the base URL ({0}) and the model ({1}) in the settings.', config.baseUrl, config.model),
        ['openSettings', 'retry'],
      );
    case 'rateLimited':
      return view(
        vscode.l10n.t('Rate limited by the gateway (429).'),
        vscode.l10n.t('Wait a moment, then retry.'),
        ['retry'],
      );
    case 'badRequest':
      return view(vscode.l10n.t('The gateway refused the request ({0}).', status), '', ['openSettings', 'retry']);
    case 'serverError':
      return view(vscode.l10n.t('The gateway failed ({0}).', status), vscode.l10n.t('This is usually temporary: retry.'), ['retry']);
    case 'network':
      return view(
        vscode.l10n.t('Could not reach {0}.', error.host),
        vscode.l10n.t('Check your connection, proxy settings and the base URL.'),
        ['retry', 'openSettings', 'showLog'],
      );
    case 'unexpectedResponse':
      return view(vscode.l10n.t('Unexpected answer from {0}.', error.host), vscode.l10n.t('Check the base URL: it should end in /v1 or similar.'), ['openSettings', 'showLog']);
    case 'streamError':
      return view(vscode.l10n.t('The gateway reported an error during the reply.'), '', ['retry', 'showLog']);
    case 'malformedStream':
      return view(vscode.l10n.t('The reply could not be read.'), '', ['retry', 'showLog']);
    case 'interrupted':
      return view(vscode.l10n.t('The reply was interrupted.'), vscode.l10n.t('What arrived is kept above.'), ['retry', 'showLog']);
  }
}
