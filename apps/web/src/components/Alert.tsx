import type { ReactNode } from 'react';

/** An error the user must notice: announced at once (role="alert"). */
export function Alert({ title, children, id }: { title?: string; children?: ReactNode; id?: string }) {
  return (
    <div id={id} role="alert" className="rounded-md border-l-4 border-red-700 bg-red-50 p-4 text-red-900">
      {title && <p className="font-semibold">{title}</p>}
      {children && <div className={title ? 'mt-1 space-y-1' : 'space-y-1'}>{children}</div>}
    </div>
  );
}

/** Good news, announced politely. */
export function Success({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="rounded-md border-l-4 border-green-800 bg-green-50 p-4 text-green-950">
      <p className="font-semibold" role="status">
        {title}
      </p>
      {children && <div className="mt-2 space-y-2">{children}</div>}
    </div>
  );
}
