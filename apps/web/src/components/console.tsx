/** The layout of the merchant and operator consoles: section links (a column on desktop, a strip on phones). */
import type { ReactNode } from "react";
import { Link } from "../lib/router.js";

export function ConsoleLayout({
  title,
  sections,
  path,
  children,
}: {
  title: string;
  sections: { to: string; label: string }[];
  path: string;
  children: ReactNode;
}) {
  return (
    <div className="page">
      <h1>{title}</h1>
      <div className="console">
        <nav className="console-nav">
          {sections.map((section) => (
            <Link key={section.to} to={section.to} className={path === section.to ? "active" : undefined}>
              {section.label}
            </Link>
          ))}
        </nav>
        <div className="console-body">{children}</div>
      </div>
    </div>
  );
}
