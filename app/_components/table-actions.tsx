import { Td } from "./ui";

/**
 * The last cell of a table row, for row buttons: right-aligned in a table, a row of
 * buttons at the bottom of the card when the table is stacked on a phone.
 */
export function ActionsCell({ children }: { children: React.ReactNode }) {
  return (
    <Td className="md:text-right">
      <div className="flex flex-wrap items-center gap-1 pt-1 md:justify-end md:pt-0">{children}</div>
    </Td>
  );
}
