import * as vscode from 'vscode';
import type { TurnNotice } from '../core/turn/turnTypes';
import { describeCodePoint } from '../core/apiKeyText';
import { isContextLengthError, type GatewayError, type GatewayErrorDetails } from '../core/gatewayError';
import { redactPatterns } from '../core/redact';
import { DEFAULT_MAX_EVENT_BYTES } from '../core/streamLimits';
import type { PanelAction, ErrorView } from '../shared/protocol';
import type { ChatConfiguration } from './configuration';

/**
 * Words for each failure: what happened, the gateway's own message, and what the user can do about it. The message
 * passes through the redactor's patterns once more on its way to the panel (a bearer token or `sk-…` key in any
 * message is masked, whatever layer wrote it).
 */
export function describeGatewayError(error: GatewayError, config: ChatConfiguration): ErrorView {
  const status = error.status ?? 0;
  const said = redactPatterns(error.message);
  const view = (title: string, advice: string, actions: PanelAction[]): ErrorView => ({
    title,
    detail: [said, ...describeDetails(error.details), advice].filter(Boolean).join('\n'),
    actions,
  });
  if ((error.kind === 'badRequest' || error.kind === 'streamError') && isContextLengthError(error)) {
    return view(
      error.kind === 'badRequest'
        ? vscode.l10n.t('The conversation is too long for the model ({0}).', status)
        : vscode.l10n.t('The conversation is too long for the model.'),
      vscode.l10n.t(
        'Start a New Chat, delete earlier messages (or long pasted text and images), or select a model with a larger context window.',
      ),
      ['selectModel'],
    );
  }
  switch (error.kind) {
    case 'unauthorized':
      return view(
        vscode.l10n.t('The gateway refused the API key (401).'),
        vscode.l10n.t('Set a valid API key for {0}.', error.host),
        ['setApiKey', 'retry'],
      );
    case 'paymentRequired':
      return view(
        vscode.l10n.t('The account has no credit left (402).'),
        vscode.l10n.t('Add credit at your gateway, then retry.'),
        ['retry'],
      );
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
        ['selectModel', 'openSettings', 'retry'],
      );
    case 'rateLimited':
      return view(
        vscode.l10n.t('Rate limited by the gateway (429).'),
        error.retryAfterMs !== undefined
          ? vscode.l10n.t('The gateway asks to wait {0} before retrying.', formatWait(error.retryAfterMs))
          : vscode.l10n.t('Wait a moment, then retry.'),
        ['retry'],
      );
    case 'badRequest':
      return view(vscode.l10n.t('The gateway refused the request ({0}).', status), '', ['openSettings', 'retry']);
    case 'serverError':
      return view(
        vscode.l10n.t('The gateway failed ({0}).', status),
        error.retryAfterMs !== undefined
          ? vscode.l10n.t('The gateway asks to wait {0} before retrying.', formatWait(error.retryAfterMs))
          : vscode.l10n.t('This is usually temporary: retry.'),
        ['retry'],
      );
    case 'network':
      return view(
        vscode.l10n.t('Could not reach {0}.', error.host),
        vscode.l10n.t('Check your connection, proxy settings and the base URL.'),
        ['retry', 'openSettings', 'showLog'],
      );
    case 'unexpectedResponse':
      return view(
        vscode.l10n.t('Unexpected answer from {0}.', error.host),
        vscode.l10n.t('Check the base URL: it should end in /v1 or similar.'),
        ['openSettings', 'showLog'],
      );
    case 'streamError':
      return view(vscode.l10n.t('The gateway reported an error during the reply.'), '', ['retry', 'showLog']);
    case 'malformedStream':
      return view(vscode.l10n.t('The reply could not be read.'), '', ['retry', 'showLog']);
    case 'interrupted':
      return view(vscode.l10n.t('The reply was interrupted.'), vscode.l10n.t('What arrived is kept above.'), [
        'retry',
        'showLog',
      ]);
    case 'timeout':
      if (error.timeoutPhase === 'headers')
        return {
          title: vscode.l10n.t('{0} did not answer within {1}.', error.host, formatWait(error.timeoutMs ?? 0)),
          detail: vscode.l10n.t(
            'The request was not sent again: the gateway may still be working on it (a large model loading, say). Retry when it is ready; the limit is the setting gatewayChat.idleTimeoutSeconds.',
          ),
          actions: ['retry', 'openSettings', 'showLog'],
        };
      return error.timeoutPhase === 'idle'
        ? view(
            vscode.l10n.t('The gateway stopped sending for {0}.', formatWait(error.timeoutMs ?? 0)),
            vscode.l10n.t('What arrived is kept above. The limit is the setting gatewayChat.idleTimeoutSeconds.'),
            ['retry', 'openSettings'],
          )
        : view(
            vscode.l10n.t('{0} did not answer within {1}.', error.host, formatWait(error.timeoutMs ?? 0)),
            vscode.l10n.t('Check your connection, proxy settings and the base URL.'),
            ['retry', 'openSettings', 'showLog'],
          );
    case 'redirected':
      return view(
        vscode.l10n.t(
          'The gateway redirected the request to {0}; it was not sent there.',
          error.redirectHost ?? error.host,
        ),
        vscode.l10n.t(
          'Your API key is only sent to the base URL you configured. If the new address is right, put it in gatewayChat.baseUrl.',
        ),
        ['openSettings'],
      );
    case 'invalidApiKey':
      return {
        title: vscode.l10n.t(
          'The stored API key for {0} contains {1} at position {2}.',
          error.host,
          describeCodePoint(error.keyCharacter ?? 0),
          error.keyPosition ?? 0,
        ),
        detail: vscode.l10n.t(
          'It cannot be sent in a request, so nothing was sent. Set the key again: invisible characters around a pasted key are removed.',
        ),
        actions: ['setApiKey'],
      };
    case 'oversized':
      // Our own words only: the limit, and that nothing more was read.
      return error.oversized === 'reply'
        ? {
            title: vscode.l10n.t(
              'The reply grew past {0} characters and was stopped.',
              (error.sizeLimit ?? 0).toLocaleString(),
            ),
            detail: vscode.l10n.t('What arrived is kept above.'),
            actions: ['showLog'],
          }
        : {
            title: vscode.l10n.t(
              'The gateway sent an oversized event (over {0} MiB).',
              formatMiB(error.sizeLimit ?? DEFAULT_MAX_EVENT_BYTES),
            ),
            detail: vscode.l10n.t(
              'What arrived is kept above; the rest was not read. The limit is the setting gatewayChat.maxEventMiB.',
            ),
            actions: ['retry', 'openSettings', 'showLog'],
          };
  }
}

function formatMiB(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return Number.isInteger(mib) ? String(mib) : mib.toFixed(1);
}

/** One line per thing the gateway said beyond its message: moderation reasons, the flagged text, the provider. */
function describeDetails(details: GatewayErrorDetails | undefined): string[] {
  if (!details) return [];
  const lines: string[] = [];
  if (details.reasons?.length) lines.push(vscode.l10n.t('Flagged for: {0}', details.reasons.join(', ')));
  if (details.flaggedInput) lines.push(vscode.l10n.t('Flagged text: “{0}”', details.flaggedInput));
  if (details.providerMessage) lines.push(vscode.l10n.t('The provider said: {0}', details.providerMessage));
  if (details.provider) lines.push(vscode.l10n.t('Provider: {0}', details.provider));
  return lines;
}

/** Words for a reply that ended for another reason than having said everything, or undefined for a normal end. */
export function describeFinishReason(reason: string | undefined): string | undefined {
  switch (reason) {
    case undefined:
    case 'stop':
    // A reply that called tools is answered by the next round; one whose calls could not run says so in its notice.
    case 'tool_calls':
    case 'function_call':
      return undefined;
    case 'length':
      return vscode.l10n.t('The reply reached the token limit and was cut off (finish reason "length").');
    case 'content_filter':
      return vscode.l10n.t("The gateway's content filter stopped the reply.");
    default:
      return vscode.l10n.t('The reply ended with finish reason "{0}".', reason);
  }
}

/** Words for how a turn ended besides its status (the round limit, calls that could not run). */
export function describeTurnNotice(notice: TurnNotice): string {
  switch (notice.kind) {
    case 'roundLimit':
      return vscode.l10n.t(
        'The model kept calling tools for {0} rounds, the limit (gatewayChat.tools.maxRounds): its last calls were not run.',
        notice.maxRounds,
      );
    case 'toolCallsWithoutTools':
      return vscode.l10n.t(
        'The model asked to call a tool, but no tools were offered to it (they are off, or the model does not take them).',
      );
    case 'toolCallsMissing':
      return vscode.l10n.t('The model said it would call a tool, but the gateway sent no tool call.');
  }
}

export function formatWait(ms: number): string {
  const seconds = Math.max(1, Math.round(ms / 1000));
  return seconds < 120 ? vscode.l10n.t('{0} s', seconds) : vscode.l10n.t('{0} min', Math.round(seconds / 60));
}
