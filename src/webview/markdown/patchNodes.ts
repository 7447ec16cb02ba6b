/**
 * Makes nodes already in the page equal to freshly rendered ones, changing only what differs: a text node gets the
 * new text, an element keeps itself and gets the new attributes and children. A streamed reply's open tail is
 * rendered again on every update; patching it keeps the unchanged blocks, lines and text nodes in place, so the
 * browser lays out and paints only what changed (the last line of a growing code block, say) and a selection or
 * a hovered button in the tail survives the update.
 *
 * The fresh nodes come from the renderer (`renderTokens`), so they hold only allowlisted elements, attributes and
 * text: copying their attributes is as safe as inserting them.
 */

/**
 * Patches `current` (the last children of `parent`, in order) to equal `fresh`, which are moved in where needed;
 * returns the nodes now in their place.
 */
export function patchNodes(parent: Node, current: readonly Node[], fresh: readonly Node[]): Node[] {
  const end = current.length > 0 ? current[current.length - 1].nextSibling : null;
  const result: Node[] = [];
  const shared = Math.min(current.length, fresh.length);
  for (let index = 0; index < shared; index++) {
    const node = current[index];
    if (patchNode(node, fresh[index])) result.push(node);
    else {
      parent.replaceChild(fresh[index], node);
      result.push(fresh[index]);
    }
  }
  for (const extra of current.slice(shared)) parent.removeChild(extra);
  for (const added of fresh.slice(shared)) {
    parent.insertBefore(added, end);
    result.push(added);
  }
  return result;
}

/** Makes `node` equal to `fresh` in place; false when it cannot (another kind of node or another tag). */
function patchNode(node: Node, fresh: Node): boolean {
  if (node.nodeType !== fresh.nodeType || node.nodeName !== fresh.nodeName) return false;
  if (node instanceof CharacterData) {
    const text = (fresh as CharacterData).data;
    if (node.data !== text) {
      // Text that only grew (the usual streamed case) is appended, which the browser lays out cheaper than a rewrite.
      if (text.startsWith(node.data)) node.appendData(text.slice(node.data.length));
      else node.data = text;
    }
    return true;
  }
  if (node instanceof Element && fresh instanceof Element) patchAttributes(node, fresh);
  patchNodes(node, Array.from(node.childNodes), Array.from(fresh.childNodes));
  return true;
}

function patchAttributes(element: Element, fresh: Element): void {
  for (const name of element.getAttributeNames()) if (!fresh.hasAttribute(name)) element.removeAttribute(name);
  for (const name of fresh.getAttributeNames()) {
    const value = fresh.getAttribute(name) ?? '';
    if (element.getAttribute(name) !== value) element.setAttribute(name, value);
  }
}
