import { strict as assert } from 'node:assert';
import { Conversation, type ConversationMessage } from '../../src/core/conversation';
import { toRecord, type ConversationRecord } from '../../src/core/conversationRecord';
import { RecordStore } from '../../src/core/recordStore';
import { MemoryFs } from '../support/memoryFs';
import { seededRandom } from '../support/seededRandom';

const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const times = { createdAt: '2026-11-23T10:00:00.000Z', updatedAt: '2026-11-23T10:05:00.000Z' };

/** A PNG-looking data URL (the PNG signature, then seeded bytes). */
function png(seed: number, bytes = 30_000): string {
  const random = seededRandom(seed);
  const data = Buffer.alloc(bytes);
  data.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  for (let index = 8; index < bytes; index += 1) data[index] = Math.floor(random() * 256);
  return `data:image/png;base64,${data.toString('base64')}`;
}

function user(id: string, text: string, images: string[] = []): ConversationMessage {
  return {
    id,
    role: 'user',
    text,
    status: 'done',
    ...(images.length ? { images: images.map((url) => ({ url, detail: 'auto' as const })) } : {}),
  };
}

function reply(id: string, text: string, status: ConversationMessage['status'] = 'done'): ConversationMessage {
  return { id, role: 'assistant', text, status };
}

function record(id: string, messages: ConversationMessage[]): ConversationRecord {
  return toRecord(new Conversation({ id, messages }), times);
}

const texts = (value: ConversationRecord | undefined) => value?.messages.map((message) => message.text) ?? [];

describe('conversation store', () => {
  it('[D8] two windows add a turn to the same conversation and both save: both turns are kept', async () => {
    const folder = new MemoryFs();
    const windowA = new RecordStore(folder, quiet);
    const windowB = new RecordStore(folder, quiet);
    const start = [user('u1', 'First question'), reply('a1', 'First answer')];
    const first = await windowA.save(record('c-shared', start));
    const inB = await windowB.load('c-shared');
    assert.ok(inB);

    const savedA = await windowA.save(
      record('c-shared', [...start, user('u2', 'Asked in window A'), reply('a2', 'Answer in A')]),
      first.revision,
    );
    assert.equal(savedA.merged, undefined, 'nothing to merge yet');
    const savedB = await windowB.save(
      record('c-shared', [...inB.messages, user('u3', 'Asked in window B'), reply('a3', 'Answer in B')]),
      inB.revision,
    );
    assert.ok(savedB.merged, 'window B was not told that window A had saved meanwhile');
    const expected = [
      'First question',
      'First answer',
      'Asked in window A',
      'Answer in A',
      'Asked in window B',
      'Answer in B',
    ];
    assert.deepEqual(texts(savedB.merged), expected);
    // A restarted window sees both turns.
    assert.deepEqual(texts(await new RecordStore(folder, quiet).load('c-shared')), expected);

    // Window A goes on from its own copy (without B's turn): B's turn is still not lost.
    const againA = await windowA.save(
      record('c-shared', [...start, user('u2', 'Asked in window A'), reply('a2', 'Answer in A'), user('u4', 'More')]),
      savedA.revision,
    );
    assert.ok(againA.merged);
    assert.deepEqual(texts(await new RecordStore(folder, quiet).load('c-shared')), [
      ...expected.slice(0, 4),
      ...expected.slice(4),
      'More',
    ]);
  });

  it('[D8] a save on top of the revision on disk merges nothing and tells nothing', async () => {
    const folder = new MemoryFs();
    const store = new RecordStore(folder, quiet);
    const first = await store.save(record('c-one', [user('u1', 'Q')]));
    const second = await store.save(record('c-one', [user('u1', 'Q'), reply('a1', 'A')]), first.revision);
    assert.equal(second.merged, undefined);
    assert.equal(second.revision, first.revision + 1);
    // A message this window deleted stays deleted.
    const third = await store.save(record('c-one', [user('u1', 'Q')]), second.revision);
    assert.equal(third.merged, undefined);
    assert.deepEqual(texts(await new RecordStore(folder, quiet).load('c-one')), ['Q']);
  });

  it('[D9] stores each image once, by content hash, beside the records; records refer to it; loading gives the images back', async () => {
    const folder = new MemoryFs();
    const store = new RecordStore(folder, quiet);
    const shared = png(1);
    const other = png(2);
    await store.save(record('c-first', [user('u1', 'Two screenshots', [shared, other]), reply('a1', 'Seen')]));
    await store.save(record('c-second', [user('u2', 'The same one again', [shared])]));
    const images = folder.names('images/');
    assert.equal(images.length, 2, `one file per distinct image: ${images.join(', ')}`);
    for (const name of images) assert.match(name, /^images\/[0-9a-f]{64}\.png$/);
    for (const file of ['c-first.json', 'c-second.json']) {
      const text = folder.text(file) ?? '';
      assert.ok(!text.includes('base64'), `${file} still holds image data`);
      assert.match(text, /"ref": "[0-9a-f]{64}\.png"/);
    }
    const loaded = await new RecordStore(folder, quiet).load('c-first');
    assert.deepEqual(
      loaded?.messages[0]?.images?.map((image) => image.url),
      [shared, other],
    );
  });

  it('[D9] an older record with images inline still loads, and its next save moves the images out', async () => {
    const folder = new MemoryFs();
    const inline = png(3);
    const old = {
      version: 1,
      id: 'c-old',
      title: 'Old',
      createdAt: times.createdAt,
      updatedAt: times.updatedAt,
      messages: [{ id: 'u1', role: 'user', text: 'Look', status: 'done', images: [{ url: inline, detail: 'high' }] }],
    };
    await folder.writeFile('c-old.json', new TextEncoder().encode(JSON.stringify(old, null, 2)));
    const store = new RecordStore(folder, quiet);
    const loaded = await store.load('c-old');
    assert.equal(loaded?.messages[0]?.images?.[0]?.url, inline);
    assert.ok(loaded);
    await store.save({ ...loaded, messages: [...loaded.messages, reply('a1', 'A picture')] }, loaded.revision);
    assert.ok(!(folder.text('c-old.json') ?? '').includes('base64'), 'the image is still inline');
    assert.equal(folder.names('images/').length, 1);
    const again = await new RecordStore(folder, quiet).load('c-old');
    assert.equal(again?.messages[0]?.images?.[0]?.url, inline);
    assert.equal(again?.messages[0]?.images?.[0]?.detail, 'high');
  });

  it('[D9] while a reply streams a save writes only the reply; a crash mid-reply loses nothing; the end folds it in', async () => {
    const folder = new MemoryFs();
    const store = new RecordStore(folder, quiet);
    const question = user('u1', 'Describe these', [png(4, 200_000), png(5, 200_000)]);
    const saved = await store.save(record('c-stream', [question]));
    const recordText = folder.text('c-stream.json');
    const before = folder.bytesWritten;
    const partial = await store.save(
      record('c-stream', [question, reply('a1', 'The first shows', 'streaming')]),
      saved.revision,
    );
    assert.equal(partial.wrote, 'journal');
    assert.equal(folder.text('c-stream.json'), recordText, 'the record was rewritten while the reply streamed');
    const more = await store.save(
      record('c-stream', [question, reply('a1', 'The first shows a chart', 'streaming')]),
      partial.revision,
    );
    assert.equal(more.wrote, 'journal');
    assert.ok(
      folder.bytesWritten - before < 2_000,
      `${folder.bytesWritten - before} bytes written for two small saves`,
    );

    // The window stops here: another one (or this one, restarted) loads the reply so far.
    const restarted = await new RecordStore(folder, quiet).load('c-stream');
    assert.deepEqual(texts(restarted), ['Describe these', 'The first shows a chart']);
    assert.equal(restarted?.messages[1]?.status, 'interrupted');

    const done = await store.save(
      record('c-stream', [question, reply('a1', 'The first shows a chart. The second a table.')]),
      more.revision,
    );
    assert.equal(done.wrote, 'record');
    assert.deepEqual(
      folder.names().filter((name) => name.includes('journal')),
      [],
      'the journal is left behind',
    );
    assert.deepEqual(texts(await new RecordStore(folder, quiet).load('c-stream')), [
      'Describe these',
      'The first shows a chart. The second a table.',
    ]);
  });

  it('[D9] deleting a conversation deletes the images no other conversation shows', async () => {
    const folder = new MemoryFs();
    const store = new RecordStore(folder, quiet);
    const shared = png(6);
    const own = png(7);
    await store.save(record('c-keep', [user('u1', 'Keep', [shared])]));
    await store.save(record('c-drop', [user('u2', 'Drop', [shared, own])]));
    assert.equal(folder.names('images/').length, 2);
    folder.age(10 * 60_000);
    await store.delete('c-drop');
    assert.equal(folder.names('images/').length, 1);
    const kept = await new RecordStore(folder, quiet).load('c-keep');
    assert.equal(kept?.messages[0]?.images?.[0]?.url, shared);
  });
});
