// A picked CSV file, read as text in the page (it is small); main parses and checks it.
import { useRef, type ChangeEvent } from 'react';

export function useCsvPicker(onLoad: (file: { name: string; text: string }) => void) {
  const ref = useRef<HTMLInputElement>(null);
  const onChange = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (file) onLoad({ name: file.name, text: await file.text() });
    e.target.value = '';
  };
  return { ref, onChange, pick: () => ref.current?.click() };
}
