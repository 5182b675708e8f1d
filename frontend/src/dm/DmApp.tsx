// Placeholder: the DM console (owned by the DM-UI helper) replaces this file.
export default function DmApp() {
  return (
    <div className="boot">
      <p>DM console coming soon.</p>
    </div>
  );
}
