import { useState } from "react";

interface BannerProps {
  message: string;
  onClose?: () => void;
}

// A dismissible notice at the top of the page.
export function Banner({ message, onClose }: BannerProps) {
  const [open, setOpen] = useState(true);
  if (!open) {
    return null;
  }
  return (
    <div className="banner" role="status">
      <span>{message}</span>
      <button onClick={() => { setOpen(false); onClose?.(); }}>Close</button>
    </div>
  );
}
