export function PlayerApp() {
  return <div className="boot">Hexcrawl</div>;
}
