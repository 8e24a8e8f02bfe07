/**
 * An address or invitation as text that wraps where a reader expects: after a "/" and
 * before the "#" of a meeting's code, never inside the code or the host. (Wrapping
 * "anywhere" split a code like DTX2P9 over two lines, which a member then reads aloud
 * or types wrongly.) The text itself is unchanged: copying it gives the address.
 */
export function setAddressText(element: HTMLElement, address: string): void {
  const pieces = address.split(/(?<=[^/]\/)(?!\/)|(?=#)/);
  element.replaceChildren();
  pieces.forEach((piece, i) => {
    if (i > 0) element.append(document.createElement('wbr'));
    element.append(piece);
  });
}
