import { Td } from "./ui";

/**
 * The last, right-aligned cell of a table row, for row buttons. Dialogs opened from it
 * live inside the cell in the DOM, so they are reset to normal text flow here (a table
 * cell is right-aligned and does not wrap).
 */
export function ActionsCell({ children }: { children: React.ReactNode }) {
  return (
    <Td className="text-right [&_dialog]:whitespace-normal [&_dialog]:text-left">
      <div className="flex items-center justify-end gap-1">{children}</div>
    </Td>
  );
}
